namespace TimepointFlash

open System
open System.Text

/// The folded text a listing's `q` is matched against: lower case beyond ASCII and Latin letters without their
/// diacritics (LatinFold), so "egypte", "ÉGYPTE" and "Égypte" find each other.
[<RequireQualifiedAccess>]
module SearchText =
    /// Lower case (invariant) with every LatinFold letter replaced by its plain form; control characters dropped.
    let fold (text: string) =
        let b = StringBuilder(text.Length)

        for c in text do
            match LatinFold.table.TryGetValue c with
            | true, plain -> b.Append plain |> ignore
            | _ when Char.IsControl c -> ()
            | _ -> b.Append(Char.ToLowerInvariant c) |> ignore

        b.ToString()

    /// The stored search text of a timepoint: its folded query and folded location on two lines (a pattern
    /// without control characters never spans both).
    let ofTimepoint (query: string) (location: string option) =
        fold query + "\n" + fold (defaultArg location "")

    /// Whether a folded search text contains the folded search (the matching the store's index answers).
    let matches (search: string) (query: string) (location: string option) =
        let q = fold search
        (fold query).Contains q || (fold (defaultArg location "")).Contains q
