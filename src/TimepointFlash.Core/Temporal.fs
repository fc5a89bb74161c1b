namespace TimepointFlash

/// The temporal algebra (filled in by the temporal work).
[<RequireQualifiedAccess>]
module Temporal =
    /// Placeholder until the algebra lands.
    let isBce (p: TemporalPoint) = p.Year < 0
