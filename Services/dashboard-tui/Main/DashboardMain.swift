import ArgumentParser
import DashboardTUI

/// The `dashboard-tui` executable; everything lives in `DashboardTUI` (see `DashboardCommand`).
@main
enum DashboardMain {
    static func main() async {
        // The cast selects the async entry point over ParsableCommand's synchronous one.
        await (DashboardCommand.self as any AsyncParsableCommand.Type).main()
    }
}
