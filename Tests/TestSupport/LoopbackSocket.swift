#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to 127.0.0.1 as a bare file descriptor, for test clients and benchmark
/// swarms that must control their socket (a tiny receive buffer, no Nagle, non-blocking I/O).
/// The one copy of the connect code they share.
public enum LoopbackSocket {
    public struct Options: Sendable {
        public var noDelay = false
        /// SO_RCVBUF, set before connecting so the window is small from the first byte.
        public var receiveBuffer: Int?
        /// SO_RCVTIMEO in seconds, for blocking reads that must not hang a test.
        public var receiveTimeoutSeconds: Int?
        public var nonBlocking = false

        public init(noDelay: Bool = false, receiveBuffer: Int? = nil, receiveTimeoutSeconds: Int? = nil, nonBlocking: Bool = false) {
            self.noDelay = noDelay
            self.receiveBuffer = receiveBuffer
            self.receiveTimeoutSeconds = receiveTimeoutSeconds
            self.nonBlocking = nonBlocking
        }
    }

    public struct ConnectError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func connect(port: Int, _ options: Options = Options()) throws(ConnectError) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ConnectError(description: "socket() failed: errno \(errno)") }
        if var size = options.receiveBuffer.map(Int32.init) {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if let seconds = options.receiveTimeoutSeconds {
            var timeout = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(descriptor)
            throw ConnectError(description: "connect to 127.0.0.1:\(port) failed: errno \(code)")
        }
        if options.noDelay {
            var one: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        if options.nonBlocking { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) }
        return descriptor
    }
}
