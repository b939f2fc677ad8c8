/// One visitor's trip through the shop: lands on the home page, views a few products (popular
/// ones more often), presses some of their buttons, sometimes goes to the cart. Events come
/// out one at a time, in the order the visitor would cause them.
public struct VisitorSession: Sendable {
    public let id: String
    public let agent: VisitorAgent
    /// Whether this visitor's storefront still speaks the reference's legacy payload.
    public let legacy: Bool
    private var pagesLeft: Int
    private var pending: [StorefrontEvent.Payload] = []
    private var landed = false
    private var cartItems = 0
    /// Chance that a visitor who reaches the cart creates an account (`signup`).
    private let signupShare: Double

    public init(random: inout SeededRandom, legacyShare: Double, signupShare: Double = 0) {
        self.signupShare = signupShare
        id = random.uuidString()
        agent = VisitorAgent.allCases[random.weightedIndex(VisitorAgent.allCases.map(\.weight))]
        legacy = random.chance(legacyShare)
        // Most visits are short; a few browse for a while. Crawlers walk many pages.
        let browsing = 1 + min(12, Int(random.exponential(mean: 3)))
        pagesLeft = agent == .crawler ? browsing * 2 : browsing
    }

    public var isFinished: Bool { landed && pagesLeft == 0 && pending.isEmpty }

    /// The visitor's next action, nil once the visit is over.
    public mutating func next(catalog: StorefrontCatalog, random: inout SeededRandom) -> StorefrontEvent.Payload? {
        if pending.isEmpty { planNextPage(catalog: catalog, random: &random) }
        guard !pending.isEmpty else { return nil }
        return pending.removeFirst()
    }

    private mutating func planNextPage(catalog: StorefrontCatalog, random: inout SeededRandom) {
        if !landed {
            landed = true
            pending.append(.pageload(url: catalog.homeURL, userAgent: agent.userAgent, description: "Home page"))
            return
        }
        guard pagesLeft > 0 else { return }
        pagesLeft -= 1
        if pagesLeft == 0, cartItems > 0, agent.clicks {
            pending.append(.pageload(url: catalog.cartURL, userAgent: agent.userAgent, description: "Cart"))
            // A legacy storefront predates the signup type.
            if !legacy, signupShare > 0, random.chance(signupShare) {
                let plan = SignupType.plans[random.weightedIndex(SignupType.planWeights)]
                let seats = plan == "team" ? 2 + Int(random.next() % 9) : 1
                pending.append(.signup(accountID: "acct-" + random.uuidString().prefix(8), plan: plan, seats: seats))
            }
            return
        }
        let product = catalog.products[random.weightedIndex(catalog.products.map(\.popularity))]
        pending.append(
            .pageload(url: catalog.productURL(product), userAgent: agent.userAgent, description: product.name))
        guard agent.clicks else { return }
        if random.chance(0.3) {
            pending.append(.click(buttonID: product.buttonID, description: "Quick view: \(product.name)"))
        }
        if random.chance(0.35) {
            cartItems += 1
            pending.append(.click(buttonID: product.buttonID, description: "Add to cart: \(product.name)"))
        }
        if random.chance(0.05) {
            pending.append(.click(buttonID: product.buttonID, description: "Buy now: \(product.name)"))
        }
    }
}
