import CRdKafka

/// One call of `rd_kafka_produceva` (Swift cannot call the variadic `rd_kafka_producev`).
/// The error comes back from the call itself, never from thread-local `rd_kafka_last_error`.
enum ProduceCall {
    static func produce(
        _ handle: OpaquePointer, topic: OpaquePointer, _ message: KafkaOutgoingMessage, opaque: UnsafeMutableRawPointer
    ) -> rd_kafka_resp_err_t {
        var headers: OpaquePointer? = nil
        if !message.headers.isEmpty {
            headers = rd_kafka_headers_new(message.headers.count)
            for header in message.headers {
                if let value = header.value {
                    value.withUnsafeBytes { bytes in
                        // An empty array has no base address; librdkafka reads NULL as a null
                        // value, so an empty one points at a byte it never reads.
                        _ = rd_kafka_header_add(headers, header.key, -1, bytes.baseAddress ?? emptyValue, bytes.count)
                    }
                } else {
                    _ = rd_kafka_header_add(headers, header.key, -1, nil, 0)
                }
            }
        }
        let code = withOptionalBytes(message.key) { keyPointer, keyCount in
                withOptionalBytes(message.value) { valuePointer, valueCount in
                    // On the stack: no allocation per message on the hot path.
                    let error = withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 7) { values in
                        values[0] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_RKT, u: .init(rkt: topic))
                        values[1] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_KEY, u: .init(mem: .init(ptr: keyPointer, size: keyCount)))
                        values[2] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_VALUE, u: .init(mem: .init(ptr: valuePointer, size: valueCount)))
                        values[3] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_MSGFLAGS, u: .init(i: RD_KAFKA_MSG_F_COPY))
                        values[4] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_OPAQUE, u: .init(ptr: opaque))
                        var count = 5
                        if let headers {
                            values[count] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_HEADERS, u: .init(headers: headers))
                            count += 1
                        }
                        if let partition = message.partition {
                            values[count] = rd_kafka_vu_t(vtype: RD_KAFKA_VTYPE_PARTITION, u: .init(i32: partition))
                            count += 1
                        }
                        return rd_kafka_produceva(handle, values.baseAddress, count)
                    }
                    guard let error else { return RD_KAFKA_RESP_ERR_NO_ERROR }
                    let code = rd_kafka_error_code(error)
                    rd_kafka_error_destroy(error)
                    return code
                }
            }
        // On success librdkafka owns the headers; on failure they are still ours.
        if code != RD_KAFKA_RESP_ERR_NO_ERROR, let headers {
            rd_kafka_headers_destroy(headers)
        }
        return code
    }

    nonisolated(unsafe) private static let emptyValue = UnsafeRawPointer(UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1))

    private static func withOptionalBytes<R>(
        _ bytes: [UInt8]?, _ body: (UnsafeMutableRawPointer?, Int) -> R
    ) -> R {
        guard let bytes else { return body(nil, 0) }
        return bytes.withUnsafeBytes { buffer in
            body(UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count)
        }
    }
}
