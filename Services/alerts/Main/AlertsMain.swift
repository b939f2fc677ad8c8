import AlertsService

/// The `alerts` executable: everything lives in `AlertsService` so tests can run it in process.
@main
enum AlertsMain {
    static func main() async {
        await AlertsCommand.main()
    }
}
