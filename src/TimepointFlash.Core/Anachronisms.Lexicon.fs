namespace TimepointFlash

open System
open System.Globalization
open System.IO
open System.Reflection
open System.Text

/// One curated lexicon entry: a thing or word and the years it can appear in a scene.
type LexiconEntry = {
    Term: string
    Variants: string list
    /// First year it can appear anywhere (negative is BCE).
    Earliest: int
    /// Last year it can appear, for things withdrawn or dissolved.
    Until: int option
    Region: string option
    Source: string
}

/// A lexicon line that could not be read.
type LexiconError = { Line: int; Message: string }

/// A word of a text, folded for matching, with its span in the original text.
[<Struct>]
type Word = { Folded: string; Start: int; End: int }

/// The curated anachronism lexicon: its line format, word folding and the embedded data file.
[<RequireQualifiedAccess>]
module Lexicon =
    /// Lower-case, accent-free form of a word ("Fédora" → "fedora"); combining marks are dropped.
    let fold (word: string) =
        let b = StringBuilder(word.Length)

        for c in word do
            let lower = Char.ToLowerInvariant c

            match LatinFold.table.TryGetValue lower with
            | true, plain -> b.Append plain |> ignore
            | _ ->
                if CharUnicodeInfo.GetUnicodeCategory lower <> UnicodeCategory.NonSpacingMark then
                    b.Append lower |> ignore

        b.ToString()

    let private isWordChar (c: char) =
        Char.IsLetterOrDigit c
        || CharUnicodeInfo.GetUnicodeCategory c = UnicodeCategory.NonSpacingMark

    /// The words of a text (runs of letters and digits; anything else is a boundary), folded, with spans.
    let words (text: string) : Word list =
        let text = if isNull text then "" else text
        let acc = ResizeArray()
        let mutable i = 0

        while i < text.Length do
            if isWordChar text[i] then
                let start = i

                while i < text.Length && isWordChar text[i] do
                    i <- i + 1

                acc.Add {
                    Folded = fold (text.Substring(start, i - start))
                    Start = start
                    End = i
                }
            else
                i <- i + 1

        List.ofSeq acc

    /// The folded words of a phrase, for keys and comparisons.
    let key (phrase: string) =
        words phrase |> List.map (fun w -> w.Folded)

    let private parseYear (field: string) (s: string) =
        match Int32.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) with
        | true, 0 -> Error $"{field} year 0 does not exist"
        | true, y when y < -10000 || y > 3000 -> Error $"{field} year must be within -10000..3000, got {y}"
        | true, y -> Ok y
        | _ -> Error $"{field} year is not a whole number: \"{s.Trim()}\""

    let private optionalText (s: string) =
        if String.IsNullOrWhiteSpace s then None else Some(s.Trim())

    /// Reads one line: None for a blank or comment line.
    let parseLine (number: int) (line: string) : Result<LexiconEntry option, LexiconError> =
        let fail message =
            Error { Line = number; Message = message }

        if String.IsNullOrWhiteSpace line || line.TrimStart().StartsWith "#" then
            Ok None
        else
            match line.Split '|' |> Array.map (fun s -> s.Trim()) with
            | [| term; variants; earliest; until; region; source |] ->
                let variants =
                    variants.Split ','
                    |> Array.map (fun s -> s.Trim())
                    |> Array.filter (fun s -> s <> "")
                    |> List.ofArray

                if List.isEmpty (key term) then
                    fail "the term has no words"
                elif variants |> List.exists (fun v -> List.isEmpty (key v)) then
                    fail "a variant has no words"
                elif source = "" then
                    fail "the source note is empty"
                else
                    let last =
                        match optionalText until with
                        | None -> Ok None
                        | Some u -> parseYear "end" u |> Result.map Some

                    match parseYear "earliest" earliest, last with
                    | Error e, _
                    | _, Error e -> fail e
                    | Ok first, Ok(Some l) when l < first -> fail $"end year {l} is before earliest year {first}"
                    | Ok first, Ok last ->
                        Ok(
                            Some {
                                Term = term
                                Variants = variants
                                Earliest = first
                                Until = last
                                Region = optionalText region
                                Source = source
                            }
                        )
            | parts -> fail $"expected 6 fields separated by \"|\", got {parts.Length}"

    /// Reads a whole lexicon file; every bad line is reported.
    let parse (text: string) : Result<LexiconEntry list, LexiconError list> =
        let results =
            text.Replace("\r\n", "\n").Split '\n'
            |> Array.mapi (fun i line -> parseLine (i + 1) line)
            |> List.ofArray

        match
            results
            |> List.choose (function
                | Error e -> Some e
                | Ok _ -> None)
        with
        | [] ->
            Ok(
                results
                |> List.choose (function
                    | Ok e -> e
                    | Error _ -> None)
            )
        | errors -> Error errors

    /// Every spelling an entry matches: the term, then its variants.
    let spellings (e: LexiconEntry) = e.Term :: e.Variants

    /// Logical name of the embedded lexicon.
    let resource = "TimepointFlash.Core.Data.anachronisms.txt"

    /// The text of the embedded lexicon file.
    let embeddedText () =
        let assembly = Assembly.GetExecutingAssembly()

        match Option.ofObj (assembly.GetManifestResourceStream resource) with
        | None -> invalidOp $"embedded resource {resource} is missing"
        | Some stream ->
            use reader = new StreamReader(stream)
            reader.ReadToEnd()

    let private cached =
        lazy
            (match parse (embeddedText ()) with
             | Ok entries -> entries
             | Error errors ->
                 errors
                 |> List.map (fun e -> $"line {e.Line}: {e.Message}")
                 |> String.concat "; "
                 |> sprintf "embedded lexicon is invalid: %s"
                 |> invalidOp)

    /// The shipped lexicon, read once. It is part of the build and tested, so a failure is a packaging defect
    /// and raises.
    let embedded () = cached.Force()
