/// The shop's `signup` event, a type registered at runtime (not built into the services): the
/// simulator registers it on the relay before sending it, as another team would, so `make run`
/// shows a registered type flowing through relay, stats, stream and the dashboard.
public enum SignupType {
    public static let name = "signup"
    public static let plans = ["free", "pro", "team"]
    static let planWeights: [Double] = [0.7, 0.2, 0.1]

    /// The body of `POST /v1/schemas/signup`.
    public static let registration = """
        {"schema": {"type": "object", "required": ["accountId", "plan", "seats"],
          "properties": {"accountId": {"type": "string", "minLength": 1, "maxLength": 64},
                         "plan": {"enum": ["free", "pro", "team"]},
                         "seats": {"type": "integer", "minimum": 1, "maximum": 100}}},
         "owner": "storefront", "description": "A visitor created an account at the cart.",
         "keyField": "accountId", "countBy": ["plan"]}
        """
}
