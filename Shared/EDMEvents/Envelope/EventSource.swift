/// Which inbound API an event came through; lets consumers tell migrated clients from ones still
/// on the legacy routes, and tells the legacy mapper an envelope can be mapped back.
public enum EventSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// The v1 API (`EventForm.request` documents).
    case v1
    /// The reference relay's routes (`/produceClickMessage`, `/producePageLoad`).
    case legacy
    /// Made by a service from other events (an alert); never accepted from a client.
    case derived
}
