/// The reference storefront's shop window: the products whose buttons visitors click and the
/// pages they load. Button ids keep the reference's DOM-id style (apostrophes, commas and dots
/// occur) so the whole pipeline sees the awkward characters real pages produce.
public struct StorefrontCatalog: Sendable {
    public struct Product: Sendable, Equatable {
        /// The DOM id of the product's button, sent as `buttonId` / legacy `button_id`.
        public var buttonID: String
        public var name: String
        /// Relative popularity: the most popular products get most page views and clicks,
        /// so rankings on the dashboard have a clear top.
        public var popularity: Double
    }

    public var products: [Product]
    /// Where the shop lives; page-load URLs are built on it.
    public var baseURL: String

    public init(products: [Product], baseURL: String) {
        self.products = products
        self.baseURL = baseURL
    }

    /// The reference demo's outdoor-gear shop.
    public static let reference = StorefrontCatalog(
        products: [
            Product(buttonID: "the-camper's-kit", name: "The Camper's Kit", popularity: 10),
            Product(buttonID: "msr-reactor-2.5l-stove-system", name: "MSR Reactor 2.5L Stove System", popularity: 7),
            Product(buttonID: "bunum-wo-aa,-papua-new-guinea", name: "Bunum Wo Aa, Papua New Guinea", popularity: 6),
            Product(buttonID: "osprey-atmos-ag-65-pack", name: "Osprey Atmos AG 65 Pack", popularity: 5),
            Product(buttonID: "black-diamond-spot-400-headlamp", name: "Black Diamond Spot 400 Headlamp", popularity: 4),
            Product(buttonID: "jetboil-flash-cooking-system", name: "Jetboil Flash Cooking System", popularity: 3),
            Product(buttonID: "sea-to-summit-ultralight-pad", name: "Sea to Summit Ultralight Pad", popularity: 2.5),
            Product(buttonID: "hydro-flask-32-oz.-wide-mouth", name: "Hydro Flask 32 oz. Wide Mouth", popularity: 2),
            Product(buttonID: "big-agnes-copper-spur-hv-ul2", name: "Big Agnes Copper Spur HV UL2", popularity: 1.5),
            Product(buttonID: "kelty-cosmic-20-sleeping-bag", name: "Kelty Cosmic 20 Sleeping Bag", popularity: 1),
        ],
        baseURL: "https://edm-storefront.example.com")

    public func productURL(_ product: Product) -> String {
        baseURL + "/products/" + product.buttonID
    }

    public var homeURL: String { baseURL + "/" }
    public var cartURL: String { baseURL + "/cart" }
}
