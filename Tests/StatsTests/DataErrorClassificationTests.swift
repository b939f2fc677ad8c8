import EDMPostgres
@testable import StatsService
import Testing

/// Which commit failures split a batch to skip one message (`storage_rejected`) and which retry
/// the whole batch: only the data's fault may ever skip an event.
@Suite("Commit failures: data errors split, everything else retries")
struct DataErrorClassificationTests {
    static func server(_ sqlState: String) -> PostgresError {
        PostgresError(kind: .server, sqlState: sqlState, message: "test")
    }

    @Test("data exceptions, constraint violations and limits are the data's fault")
    func dataErrors() {
        for state in ["22023", "22021", "22P02", "23505", "23514", "54000"] {
            #expect(Self.server(state).isDataError, "\(state)")
        }
        // The binding's own refusal of a value carries the server's code for it.
        #expect(PostgresError(kind: .client, sqlState: "22021", message: "NUL in text").isDataError)
    }

    @Test("lost connections, restarts, resource shortages, deadlocks and errors without SQLSTATE retry")
    func transientErrors() {
        let transient: [PostgresError] = [
            PostgresError(kind: .client, message: "server closed the connection unexpectedly"),
            PostgresError(kind: .client, message: "skipped after an earlier statement failed", statementIndex: 1),
            PostgresError(kind: .connectionLost, message: "lost"),
            PostgresError(kind: .connectionLost, sqlState: "57P01", message: "terminating connection"),
            PostgresError(kind: .connectionFailed, message: "refused"),
            PostgresError(kind: .connectionClosed, message: "closed"),
            PostgresError(kind: .poolTimeout, message: "busy"),
            PostgresError(kind: .poolClosed, message: "closing"),
            PostgresError(kind: .server, message: "no code"),
        ] + ["08006", "08003", "57P01", "57P02", "57P03", "53300", "53100", "40001", "40P01", "57014"].map(Self.server)
        for error in transient {
            #expect(!error.isDataError, "\(error)")
        }
    }
}
