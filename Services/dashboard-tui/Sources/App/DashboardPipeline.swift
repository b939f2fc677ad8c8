/// How frames are put on the screen.
public enum OutputMode: Sendable, Equatable {
    /// Full screen with cursor positioning, changed cells only; `colors` false for NO_COLOR.
    case ansi(colors: Bool)
    /// A whole frame as plain text each time (output is not a terminal): no escape codes at all.
    case plainText
}

/// Model, view and output joined: messages go in, and at the coalesced pace the view renders
/// the model and only the difference from the previous frame is written. The interactive app
/// and the benchmark drive this same object.
public struct DashboardPipeline: Sendable {
    public private(set) var model: DashboardModel
    public var view: DashboardView
    public private(set) var size: TerminalSize
    public let mode: OutputMode
    private var scheduler: FrameScheduler
    private var previous: CellBuffer?
    private let sink: any FrameSink
    /// Frames drawn so far (for the benchmark and tests).
    public private(set) var framesDrawn = 0
    /// Bytes written so far.
    public private(set) var bytesWritten = 0

    public init(model: DashboardModel, view: DashboardView, size: TerminalSize, mode: OutputMode, scheduler: FrameScheduler, sink: any FrameSink) {
        self.model = model
        self.view = view
        self.size = size
        self.mode = mode
        self.scheduler = scheduler
        self.sink = sink
    }

    /// Applies a message to the model; returns the effects for the program to carry out.
    public mutating func handle(_ message: DashboardMessage) -> [DashboardEffect] {
        if case .resize(let newSize) = message, newSize != size {
            size = newSize
            previous = nil
        }
        scheduler.invalidate()
        return model.update(message)
    }

    /// Draws a frame if one is due (see ``FrameScheduler``).
    public mutating func renderIfDue(at now: ContinuousClock.Instant) {
        guard scheduler.due(at: now) else { return }
        render()
    }

    /// Draws a frame now.
    public mutating func render() {
        let frame = view.render(model, size: size)
        let output: String
        switch mode {
        case .ansi(let colors):
            output = ANSIRenderer(colors: colors).render(from: previous, to: frame)
            previous = frame
        case .plainText:
            output = frame.text + "\n\n"
        }
        framesDrawn += 1
        guard !output.isEmpty else { return }
        bytesWritten += output.utf8.count
        sink.write(output)
    }
}
