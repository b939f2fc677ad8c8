import CLibPQ

extension LibPQConnection {
    /// One statement of a pipeline, with its parameters laid out for libpq.
    struct PipelinedStatement: Sendable {
        let sql: String
        let parameters: LibPQParameters
    }

    /// Sends every statement, then one sync, then reads each statement's result in order
    /// (libpq's pipeline mode): one round trip for all of them. The first failure is thrown
    /// with its `statementIndex`; the server skipped the statements after it.
    func pipeline(_ statements: [PipelinedStatement], resultFormat: PostgresFormat) async throws -> [PostgresRows] {
        try await onQueue(cancellable: true) {
            let pointer = try self.openConnection()
            defer { self.refreshState() }
            guard PQenterPipelineMode(pointer) == 1 else {
                throw PostgresError(kind: .client, message: "could not enter pipeline mode: \(Self.errorMessage(pointer))")
            }
            var sent = 0
            var failure: PostgresError?
            for statement in statements {
                let queued = statement.parameters.withValuePointers { values in
                    PQsendQueryParams(
                        pointer, statement.sql, statement.parameters.count, statement.parameters.types, values,
                        statement.parameters.lengths, statement.parameters.formats, resultFormat.rawValue)
                }
                guard queued == 1 else {
                    failure = self.connectionFailure(pointer, statementIndex: sent)
                    break
                }
                sent += 1
            }
            if PQpipelineSync(pointer) != 1 {
                failure = failure ?? self.connectionFailure(pointer, statementIndex: nil)
            }
            var results: [PostgresRows] = []
            results.reserveCapacity(sent)
            for index in 0..<sent {
                let outcome = self.collectPipelineResult(pointer, index: index)
                switch outcome {
                case .success(let rows): results.append(rows)
                case .failure(let error): failure = failure ?? error
                }
                if PQstatus(pointer) != CONNECTION_OK { break }
            }
            self.finishPipeline(pointer)
            if let failure { throw failure }
            return results
        }
    }

    /// Reads one statement's results up to the NULL that ends them.
    private func collectPipelineResult(_ pointer: OpaquePointer, index: Int) -> Result<PostgresRows, PostgresError> {
        var outcome: Result<PostgresRows, PostgresError> = .failure(
            PostgresError(kind: .client, message: "no result for the statement", statementIndex: index))
        while let result = PQgetResult(pointer) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                outcome = .success(PostgresRows(storage: Self.copy(result)))
            case PGRES_PIPELINE_ABORTED:
                outcome = .failure(
                    PostgresError(kind: .client, message: "skipped after an earlier statement failed", statementIndex: index))
            default:
                var error = Self.error(from: result, pointer)
                error.statementIndex = index
                outcome = .failure(error)
            }
            if PQstatus(pointer) != CONNECTION_OK { break }
        }
        return outcome
    }

    /// Consumes the sync's result and leaves pipeline mode (a broken connection stays broken).
    private func finishPipeline(_ pointer: OpaquePointer) {
        while PQstatus(pointer) == CONNECTION_OK, let result = PQgetResult(pointer) {
            let status = PQresultStatus(result)
            PQclear(result)
            if status == PGRES_PIPELINE_SYNC { break }
        }
        if PQexitPipelineMode(pointer) != 1 {
            logger.warning("could not leave pipeline mode", metadata: ["reason": "\(Self.errorMessage(pointer))"])
        }
    }

    private func connectionFailure(_ pointer: OpaquePointer, statementIndex: Int?) -> PostgresError {
        let lost = PQstatus(pointer) != CONNECTION_OK
        return PostgresError(
            kind: lost ? .connectionLost : .client, message: Self.errorMessage(pointer), statementIndex: statementIndex)
    }
}
