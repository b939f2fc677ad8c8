import EDMCore
import HTTPTypes
import Hummingbird

/// Where a request comes from, for per-client limits: the last `X-Forwarded-For` hop (the one
/// Heroku's router appends; earlier hops are whatever the client wrote) or the TCP peer.
public enum ClientAddress {
    public static func of(_ request: Request, peer: String?) -> String {
        if let forwarded = request.headers[forwardedFor],
            let last = forwarded.split(separator: ",").last.map({ String($0).trimmingWhitespace }), !last.isEmpty
        {
            return last
        }
        return peer ?? "unknown"
    }

    private static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}
