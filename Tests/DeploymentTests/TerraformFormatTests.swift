import Foundation
import Testing
import TestSupport

/// `terraform fmt -check` is the one terraform check that needs no provider download (there is
/// no network here), so it runs with the tests. CI machines have terraform: a missing binary is
/// a failure, not a skip.
@Suite struct TerraformFormatTests {
    static func terraformBinary() -> String? {
        let candidates = ["/usr/local/bin/terraform"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/terraform" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func terraformFilesAreFormatted() async throws {
        let terraform = try #require(
            Self.terraformBinary(),
            "terraform not found at /usr/local/bin/terraform or on PATH; install it to check terraform/ (CI has it)")
        let directory = Repository.url("terraform").path
        #expect(!Repository.files(under: "terraform", endingWith: ".tf").isEmpty, "no .tf files in \(directory)")
        let result = try await runCommand(terraform, ["fmt", "-check", "-recursive", "-no-color", directory])
        let unformatted = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 0, "terraform fmt -check failed; run `terraform fmt -recursive terraform`. Files: \(unformatted) \(result.stderr)")
    }
}
