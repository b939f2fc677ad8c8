import NIOCore
import NIOPosix
import RelayService

@main
enum RelayMain {
    static func main() async {
        // Swift's tasks run on the NIO event loops that do the HTTP I/O: a request's handler, the
        // broker ack's resumption and the response write then share threads instead of hopping
        // between the cooperative pool and the loops (context switches were 14% of a
        // single-event request's profile). Blocking calls already go to their own threads.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await RelayCommand.main()
    }
}
