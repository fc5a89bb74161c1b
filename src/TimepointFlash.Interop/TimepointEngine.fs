namespace TimepointFlash.Interop

/// Version information for C# callers.
[<AbstractClass; Sealed>]
type TimepointFlashInfo =
    /// The library version.
    static member Version = TimepointFlash.Engines.Version.current
