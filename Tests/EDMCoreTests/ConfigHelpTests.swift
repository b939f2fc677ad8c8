import EDMCore
import Testing

@Suite("Config vars in --help, and Duration conversions")
struct ConfigHelpTests {
    @Test("one line per variable, aligned, wrapped with a hanging indent, default last")
    func helpSection() {
        let section = [
            ConfigVariable("PORT", default: "8080", "HTTP port."),
            ConfigVariable(
                "A_LONGER_NAME", default: "",
                "A summary long enough that it has to be wrapped onto a second line of the help text, at least."),
        ].helpSection
        let lines = section.split(separator: "\n").map(String.init)
        #expect(lines[0] == "CONFIG VARS:")
        #expect(lines[1] == "  PORT           HTTP port. (default: 8080)")
        #expect(lines[2].hasPrefix("  A_LONGER_NAME  A summary"))
        #expect(lines.count == 4)
        #expect(lines[3].hasPrefix(String(repeating: " ", count: 17)) && lines[3].hasSuffix("(default: none)"))
        #expect(lines.allSatisfy { $0.count <= 78 })
    }

    @Test("durations convert without losing sub-second parts")
    func durations() {
        let duration = Duration.seconds(2) + .milliseconds(345) + .nanoseconds(678)
        #expect(duration.milliseconds == 2345)
        #expect(duration.nanoseconds == 2_345_000_678)
        #expect(abs(duration.inSeconds - 2.345000678) < 1e-12)
        #expect(Duration.milliseconds(-1500).milliseconds == -1500)
    }

    @Test("civil dates round-trip across eras, leap days and BC years")
    func civilDates() {
        for days: Int64 in [-719_528, -1, 0, 1, 11_016, 19_782, 2_932_896] {
            let date = CivilDate.date(fromDays: days)
            #expect(CivilDate.days(fromYear: date.year, month: date.month, day: date.day) == days)
        }
        #expect(CivilDate.date(fromDays: 0) == (1970, 1, 1))
        #expect(CivilDate.days(fromYear: 2024, month: 2, day: 29) == 19_782)
        #expect(CivilDate.daysIn(month: 2, year: 1900) == 28)
        #expect(CivilDate.daysIn(month: 2, year: 2000) == 29)
    }
}
