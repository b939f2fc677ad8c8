import EDMPostgres

extension PostgresError {
    /// The statement failed because of the values it carried: a data exception (SQLSTATE class
    /// 22), a violated constraint (23) or a value past a limit (54), raised by the server or
    /// refused by the binding with the same code. Retrying the same batch would fail forever, so
    /// only these split a batch to skip the message at fault (`storage_rejected`). Everything
    /// else is about the moment, not the data (the connection lost or closed by a restart, class
    /// 08, 57P01..57P03, out of resources 53, serialization failure or deadlock 40001/40P01, an
    /// error without SQLSTATE) and retries the whole batch: good events are never skipped.
    var isDataError: Bool {
        guard kind == .server || kind == .client, !isConnectionError, let sqlState else { return false }
        return sqlState.hasPrefix("22") || sqlState.hasPrefix("23") || sqlState.hasPrefix("54")
    }
}
