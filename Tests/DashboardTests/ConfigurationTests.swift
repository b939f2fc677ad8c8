@testable import DashboardTUI
import EDMCore
import Foundation
import Testing

@Suite("Options and config vars")
struct ConfigurationTests {
    @Test("defaults when nothing is set")
    func defaults() throws {
        let configuration = try DashboardConfiguration.resolve(ConfigVars([:]))
        #expect(configuration.statsURL == "http://localhost:5002")
        #expect(configuration.streamURL == "ws://localhost:5003/v1/stream")
        #expect(configuration.statsToken == nil)
        #expect(configuration.refreshSeconds == 30)
        #expect(configuration.framesPerSecond == 15)
        #expect(!configuration.noColor)
    }

    @Test("variables are read; options win")
    func precedence() throws {
        let environment = ConfigVars([
            "DASHBOARD_STATS_URL": "https://stats.example.com/", "DASHBOARD_STREAM_URL": "https://stream.example.com",
            "DASHBOARD_STATS_TOKEN": "s3cret", "DASHBOARD_STREAM_TOKEN": "t0ken", "DASHBOARD_FPS": "10", "NO_COLOR": "1",
        ])
        let fromVariables = try DashboardConfiguration.resolve(environment)
        #expect(fromVariables.statsURL == "https://stats.example.com")
        #expect(fromVariables.streamURL == "wss://stream.example.com/v1/stream")
        #expect(fromVariables.statsToken == "s3cret")
        #expect(fromVariables.streamToken == "t0ken")
        #expect(fromVariables.framesPerSecond == 10)
        #expect(fromVariables.noColor)
        let withOptions = try DashboardConfiguration.resolve(
            environment, statsURL: "http://127.0.0.1:9000", streamURL: "ws://127.0.0.1:9001/custom", statsToken: "x",
            framesPerSecond: 20)
        #expect(withOptions.statsURL == "http://127.0.0.1:9000")
        #expect(withOptions.streamURL == "ws://127.0.0.1:9001/custom")
        #expect(withOptions.statsToken == "x")
        #expect(withOptions.framesPerSecond == 20)
    }

    @Test("bad values name the variable or option")
    func errors() {
        #expect(throws: ConfigError.self) { try DashboardConfiguration.resolve(ConfigVars(["DASHBOARD_STATS_URL": "localhost:5002"])) }
        do {
            _ = try DashboardConfiguration.resolve(ConfigVars(["DASHBOARD_STREAM_URL": "ftp://x"]))
            Issue.record("accepted ftp")
        } catch {
            #expect(error.variable == "DASHBOARD_STREAM_URL")
        }
        do {
            _ = try DashboardConfiguration.resolve(ConfigVars([:]), framesPerSecond: 500)
            Issue.record("accepted 500 fps")
        } catch {
            #expect(error.variable == "--fps")
        }
        do {
            _ = try DashboardConfiguration.resolve(ConfigVars(["DASHBOARD_REFRESH_SECONDS": "soon"]))
            Issue.record("accepted soon")
        } catch {
            #expect(error.variable == "DASHBOARD_REFRESH_SECONDS")
        }
    }

    @Test("the stream connection resumes from a cursor, after any filter already in the URL")
    func resumeURL() {
        let client = StreamClient(url: "ws://h/v1/stream", token: nil)
        #expect(client.connectionURL(resume: nil) == "ws://h/v1/stream")
        #expect(client.connectionURL(resume: "c1.AQ") == "ws://h/v1/stream?resume=c1.AQ")
        let filtered = StreamClient(url: "ws://h/v1/stream?types=click", token: nil)
        #expect(filtered.connectionURL(resume: "c1.AQ") == "ws://h/v1/stream?types=click&resume=c1.AQ")
    }
}
