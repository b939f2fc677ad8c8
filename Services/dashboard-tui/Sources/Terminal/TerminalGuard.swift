#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts the terminal in raw mode on the alternate screen and guarantees it is given back: on a
/// normal exit (`restore()`), at `exit()` (atexit), and on SIGINT, SIGTERM, SIGQUIT, SIGHUP and
/// crashes (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE; best effort). A user must never
/// be left with a shell that does not echo.
///
/// The signal handler only calls async-signal-safe functions (`tcsetattr`, `write`, `signal`,
/// `raise`) on state prepared before it was installed, then re-raises the signal with its
/// default action so the exit status still tells what happened.
public enum TerminalGuard {
    /// Signals after which the terminal is restored and the signal re-raised.
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    /// Enters raw mode and the full-screen display on `descriptor` (a TTY). Throws when it is not
    /// a terminal, so callers fall back to plain output.
    public static func enter(descriptor: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) throws(TerminalError) {
        var original = termios()
        guard tcgetattr(descriptor, &original) == 0 else { throw .notATerminal }
        var raw = original
        raw.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        raw.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &raw.c_cc) { bytes in
            bytes[Int(VMIN)] = 1
            bytes[Int(VTIME)] = 0
        }
        // Touch every global the handler reads now: a lazy initialisation inside a signal
        // handler could allocate.
        _ = GuardState.leaveBytes.count
        GuardState.original = original
        GuardState.input = descriptor
        GuardState.output = output
        GuardState.active = 1
        if !GuardState.hooksInstalled {
            GuardState.hooksInstalled = true
            atexit { TerminalGuard.restore() }
            for signal in signals { installHandler(signal) }
        }
        guard tcsetattr(descriptor, TCSAFLUSH, &raw) == 0 else {
            GuardState.active = 0
            throw .notATerminal
        }
        writeAll(ANSIRenderer.enterFullScreen, to: output)
    }

    /// Leaves the full-screen display and restores the saved terminal modes; safe to call more
    /// than once and from a signal handler.
    public static func restore() {
        guard GuardState.active != 0 else { return }
        GuardState.active = 0
        GuardState.leaveBytes.withUnsafeBufferPointer { bytes in
            _ = write(GuardState.output, bytes.baseAddress, bytes.count)
        }
        _ = tcsetattr(GuardState.input, TCSAFLUSH, &GuardState.original)
    }

    private static func installHandler(_ signal: Int32) {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { received in
            TerminalGuard.restore()
            Glibc.signal(received, SIG_DFL)
            raise(received)
        }
        #else
        action.__sigaction_u.__sa_handler = { received in
            TerminalGuard.restore()
            Darwin.signal(received, SIG_DFL)
            raise(received)
        }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(signal, &action, nil)
    }

    static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBufferPointer { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            offset += written
        }
    }
}

public enum TerminalError: Error, Sendable, CustomStringConvertible {
    case notATerminal

    public var description: String { "standard input/output is not a terminal" }
}

/// What the signal handler needs, prepared before it can run (it may not allocate). Written
/// only by `enter` on the main path before handlers are armed; read by `restore`.
private enum GuardState {
    nonisolated(unsafe) static var original = termios()
    nonisolated(unsafe) static var input: Int32 = STDIN_FILENO
    nonisolated(unsafe) static var output: Int32 = STDOUT_FILENO
    nonisolated(unsafe) static var active: sig_atomic_t = 0
    nonisolated(unsafe) static var hooksInstalled = false
    nonisolated(unsafe) static var leaveBytes: [UInt8] = Array(ANSIRenderer.leaveFullScreen.utf8)
}
