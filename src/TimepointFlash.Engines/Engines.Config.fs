namespace TimepointFlash.Engines

/// The product version reported everywhere.
[<RequireQualifiedAccess>]
module Version =
    /// Semantic version of this build.
    let current = "2.0.0"
