module TimepointFlash.Tests.Support.Generators

open FsCheck
open FsCheck.FSharp

/// Generators used through FsCheckConfig.arbitrary (never Arb.Register).
type Generators =
    static member Placeholder() = Arb.fromGen (Gen.choose (1, 10))
