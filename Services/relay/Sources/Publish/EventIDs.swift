import EDMEvents
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ids for events that arrive without one (and without an Idempotency-Key): the relay-assigned
/// form (``RelayEventID``), which tells consumers the event is produced once and needs no dedupe
/// record. Random bits come from the kernel's generator, drawn from a pool (``RandomPool``): Foundation's
/// `UUID()` opens /dev/urandom on every call on Linux (measured: 8% of the relay's CPU at 40k
/// events/s), and the standard library's generator makes one getrandom call per 64-bit word
/// (two per id: 3% of the relay's CPU in a batch-ingestion profile).
enum EventIDs {
    static func random() -> UUID {
        var generator = PooledRandom()
        return RelayEventID.make(using: &generator)
    }
}

/// Words from the shared ``RandomPool``.
private struct PooledRandom: RandomNumberGenerator {
    mutating func next() -> UInt64 {
        RandomPool.shared.next()
    }
}

/// Random 64-bit words refilled 4 KB at a time by one read of /dev/urandom (opened once; the
/// Glibc module does not export getrandom(2)); each word is handed out once, under a lock.
final class RandomPool: Sendable {
    static let shared = RandomPool()

    private struct Words {
        var words = [UInt64](repeating: 0, count: 512)
        var used = 512
        /// /dev/urandom, opened on first use; -1 until then or when it cannot be opened.
        var device: Int32 = -1
    }

    private let state = Mutex(Words())

    func next() -> UInt64 {
        state.withLock { pool in
            if pool.used == pool.words.count {
                if pool.device < 0 { pool.device = open("/dev/urandom", O_RDONLY | O_CLOEXEC) }
                let device = pool.device
                pool.words.withUnsafeMutableBytes { Self.fill($0, from: device) }
                pool.used = 0
            }
            defer { pool.used += 1 }
            return pool.words[pool.used]
        }
    }

    /// Fills `buffer` from `device`, or from the standard library's generator should reading
    /// fail for any reason other than an interrupt.
    private static func fill(_ buffer: UnsafeMutableRawBufferPointer, from device: Int32) {
        guard let base = buffer.baseAddress else { return }
        var filled = 0
        while device >= 0, filled < buffer.count {
            let count = read(device, base + filled, buffer.count - filled)
            if count > 0 {
                filled += count
            } else if count < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        guard filled < buffer.count else { return }
        var generator = SystemRandomNumberGenerator()
        for offset in stride(from: 0, to: buffer.count, by: 8) {
            buffer.storeBytes(of: generator.next() as UInt64, toByteOffset: offset, as: UInt64.self)
        }
    }
}
