namespace TimepointFlash

open System

/// Small helpers missing from FSharp.Core.
[<RequireQualifiedAccess>]
module String =
    /// True when the string is null, empty or only whitespace.
    let isBlank (s: string) = String.IsNullOrWhiteSpace s

    /// Some trimmed text, or None when blank.
    let nonBlank (s: string) =
        if String.IsNullOrWhiteSpace s then None else Some(s.Trim())

    /// Cuts the string to at most n characters.
    let truncate n (s: string) =
        if isNull s then ""
        elif s.Length <= n then s
        else s.Substring(0, n)

[<RequireQualifiedAccess>]
module Option =
    /// Some value for a non-null reference, else None.
    let ofObjNull (x: 'T) =
        if obj.ReferenceEquals(x, null) then None else Some x
