/// Arithmetic on values read from the outside (Kafka timestamps and offsets, sizes from a
/// message) that clamps instead of trapping: anyone can produce a record with a timestamp of
/// `Int64.max`, and `+ 1` on it would crash the process.
extension FixedWidthInteger {
    /// `self + 1`, or `self` at the type's maximum.
    public var saturatingSuccessor: Self { self == .max ? self : self + 1 }

    /// `self + other`, clamped to the type's range.
    public func saturatingAdding(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, clamped to the type's range.
    public func saturatingSubtracting(_ other: Self) -> Self {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other > 0 ? .min : .max
    }
}
