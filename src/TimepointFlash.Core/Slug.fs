namespace TimepointFlash

open System
open System.Globalization
open System.Text

/// URL slugs for timepoints: lower-case ASCII words joined by single hyphens, at most 100 characters,
/// never empty, with the year ("1776", "50-bce") kept or appended.
[<RequireQualifiedAccess>]
module Slug =
    /// Longest slug the store accepts.
    let maxLength = 100

    /// The slug of a text with no usable letters or digits.
    let fallback = "timepoint"


    /// Folds diacritics and a few special letters to ASCII; other characters become spaces.
    let private fold (text: string) =
        let sb = StringBuilder()

        for c in (if isNull text then "" else text).Normalize NormalizationForm.FormD do
            match LatinFold.table.TryGetValue c with
            | true, s -> sb.Append s |> ignore
            | _ ->
                match CharUnicodeInfo.GetUnicodeCategory c with
                | UnicodeCategory.NonSpacingMark
                | UnicodeCategory.SpacingCombiningMark
                | UnicodeCategory.EnclosingMark -> ()
                | _ ->
                    let l = Char.ToLowerInvariant c

                    if (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') then
                        sb.Append l |> ignore
                    elif c <> '\'' && c <> '’' then
                        sb.Append ' ' |> ignore

        sb.ToString()

    /// The words of a text: runs of [a-z0-9] after folding.
    let words (text: string) =
        (fold text).Split(' ', StringSplitOptions.RemoveEmptyEntries) |> List.ofArray

    /// The words a year contributes: ["1776"] or ["50"; "bce"].
    let yearWords (year: int) =
        if year < 0 then
            [ string -year; "bce" ]
        else
            [ string year ]

    let private isEraMarker w = w = "bc" || w = "bce"

    /// True when the words already name the year (for BCE: the number followed by "bc" or "bce").
    let private mentions (year: int) (ws: string list) =
        let n = string (abs year)

        if year > 0 then
            List.contains n ws
        else
            ws |> List.pairwise |> List.exists (fun (a, b) -> a = n && isEraMarker b)

    /// Keeps leading words while "w1-w2-…" fits in the budget; a single over-long first word is cut.
    let private takeWords budget (ws: string list) =
        let rec go acc len rest =
            match rest with
            | [] -> List.rev acc
            | (w: string) :: tail ->
                let next = if List.isEmpty acc then w.Length else len + 1 + w.Length

                if next <= budget then go (w :: acc) next tail
                elif List.isEmpty acc then [ w.Substring(0, budget) ]
                else List.rev acc

        if budget <= 0 then [] else go [] 0 ws

    let private join (ws: string list) = String.Join("-", ws)

    /// The slug of a query and an optional (historical, non-zero) year.
    let ofText (text: string) (year: int option) =
        let ws = words text

        match year with
        | None ->
            match takeWords maxLength ws with
            | [] -> fallback
            | kept -> join kept
        | Some y ->
            let kept = takeWords maxLength ws

            if not (List.isEmpty kept) && mentions y kept then
                join kept
            else
                let suffix = yearWords y
                // "rome 50" with year -50: the trailing number becomes part of "50-bce".
                let ws =
                    match List.tryLast ws with
                    | Some last when y < 0 && last = string -y -> List.take (List.length ws - 1) ws
                    | _ -> ws

                match takeWords (maxLength - (join suffix).Length - 1) ws with
                | [] -> join (fallback :: suffix)
                | b -> join (b @ suffix)

    /// A taken slug with a suffix such as "2" or "k3x9qa" ([a-z0-9]): "slug-2", shortened at a word boundary to fit.
    let withSuffix (slug: string) (suffix: string) =
        let tail = "-" + suffix
        let ws = words slug
        let kept = takeWords (maxLength - tail.Length) ws

        match kept with
        | [] -> fallback + tail
        | k -> join k + tail

    /// True when a string has the slug shape: [a-z0-9] words joined by single hyphens, 1–100 characters.
    let isValid (s: string) =
        not (String.IsNullOrEmpty s)
        && s.Length <= maxLength
        && s
           |> Seq.forall (fun c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c = '-')
        && not (s.StartsWith "-")
        && not (s.EndsWith "-")
        && not (s.Contains "--")
