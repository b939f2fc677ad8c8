import Foundation
import Testing
import TestSupport

/// The files the Heroku build reads besides the source: the toolchain pin and the Debian
/// packages the C bindings link.
@Suite struct BuildpackFilesTests {
    /// Heroku must build with the toolchain the tests ran with.
    @Test func swiftVersionPinsTheToolchainInUse() async throws {
        let pinned = try Repository.text(".swift-version").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(pinned.split(separator: ".").count == 3, ".swift-version should name an exact release, got \(pinned)")
        let result = try await runCommand("/usr/bin/env", ["swift", "--version"])
        let version = String(decoding: result.stdout, as: UTF8.self) + result.stderr
        #expect(result.status == 0, "swift --version failed: \(version)")
        #expect(version.contains("Swift version \(pinned) "), ".swift-version is \(pinned) but the toolchain says: \(version)")
    }

    /// Every Debian package a system-library target of Package.swift needs is in the Aptfile.
    @Test func aptfileListsEveryCLibraryProvider() throws {
        let providers = try PackageManifest.aptProviders()
        #expect(providers.contains("librdkafka-dev"), "Package.swift providers: \(providers)")
        let listed = Set(
            try Repository.text("Aptfile").split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") })
        let missing = providers.subtracting(listed)
        #expect(missing.isEmpty, "Aptfile lacks \(missing.sorted())")
    }
}
