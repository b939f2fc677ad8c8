import StreamService

/// The `stream` executable: everything lives in `StreamService` so tests can run it in process.
@main
enum StreamMain {
    static func main() async {
        await StreamCommand.main()
    }
}
