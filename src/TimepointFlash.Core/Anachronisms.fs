namespace TimepointFlash

open System.Collections.Generic

/// A lexicon term found in a text whose year is outside the term's years.
type Finding = {
    Term: string
    /// The words as they appear in the text.
    Matched: string
    Earliest: int
    Until: int option
    /// Where it was found, e.g. "scene.architecture" or "dialog.lines[2].text".
    Field: string
}

/// A lexicon prepared for matching: spellings grouped by their first word.
type LexiconIndex = private {
    ByFirst: IReadOnlyDictionary<string, (string array * LexiconEntry) array>
}

/// Finds words in scene text that name things from after (or, for withdrawn things, before) the scene's year.
/// Matching is on whole words, case- and accent-insensitive; a spelling directly after a negation ("no", "not",
/// "without", "never", "nor", optionally followed by "a", "an", "the" or "any") is not a finding.
[<RequireQualifiedAccess>]
module Anachronisms =
    /// Prepares entries for matching.
    let index (entries: LexiconEntry list) : LexiconIndex =
        let groups =
            entries
            |> List.collect (fun e -> Lexicon.spellings e |> List.map (fun s -> Array.ofList (Lexicon.key s), e))
            |> List.filter (fun (ws, _) -> ws.Length > 0)
            |> List.groupBy (fun (ws, _) -> ws[0])

        let d = Dictionary<string, (string array * LexiconEntry) array>()

        for first, spellings in groups do
            // Longest spelling first, so "teletype machines" is reported rather than "teletype".
            d[first] <- spellings |> List.sortByDescending (fun (ws, _) -> ws.Length) |> Array.ofList

        { ByFirst = d }

    let private shipped = lazy (index (Lexicon.embedded ()))

    /// The index of the shipped lexicon, built once.
    let embeddedIndex () = shipped.Force()

    /// True when an entry cannot appear in a scene set in this year.
    let isOutOfTime (year: int) (e: LexiconEntry) =
        year < e.Earliest || (e.Until |> Option.exists (fun last -> year > last))

    let private negations = set [ "no"; "not"; "without"; "never"; "nor" ]
    let private fillers = set [ "a"; "an"; "the"; "any" ]

    let private isBlankBetween (text: string) (fromIndex: int) (toIndex: int) =
        let mutable blank = true

        for i in fromIndex .. toIndex - 1 do
            if not (System.Char.IsWhiteSpace text[i]) then
                blank <- false

        blank

    /// True when the word at i is directly preceded by a negation (possibly with one article between).
    let private negated (text: string) (words: Word array) (i: int) =
        let before j =
            j >= 0 && isBlankBetween text words[j].End words[j + 1].Start

        let isNegation j =
            before j && negations.Contains words[j].Folded

        isNegation (i - 1)
        || (before (i - 1) && fillers.Contains words[i - 1].Folded && isNegation (i - 2))

    /// Findings in one text for a year, with an index; each entry is reported once, at its first match.
    let scanWith (ix: LexiconIndex) (field: string) (year: int) (text: string) : Finding list =
        let words = Lexicon.words text |> Array.ofList
        let found = Dictionary<string, Finding>()
        let order = ResizeArray<string>()

        for i in 0 .. words.Length - 1 do
            match ix.ByFirst.TryGetValue words[i].Folded with
            | true, spellings ->
                for (ws, e) in spellings do
                    if
                        isOutOfTime year e
                        && not (found.ContainsKey e.Term)
                        && i + ws.Length <= words.Length
                        && Array.forall2 (fun (w: string) (x: Word) -> w = x.Folded) ws words[i .. i + ws.Length - 1]
                        && not (negated text words i)
                    then
                        let last = words[i + ws.Length - 1]

                        found[e.Term] <- {
                            Term = e.Term
                            Matched = text.Substring(words[i].Start, last.End - words[i].Start)
                            Earliest = e.Earliest
                            Until = e.Until
                            Field = field
                        }

                        order.Add e.Term
            | _ -> ()

        order |> Seq.map (fun t -> found[t]) |> List.ofSeq

    /// Findings in one text (field "text") for a year, with the shipped lexicon.
    let scan (year: int) (text: string) : Finding list =
        scanWith (embeddedIndex ()) "text" year text

    /// Findings in one named field for a year, with the shipped lexicon.
    let scanField (field: string) (year: int) (text: string) : Finding list =
        scanWith (embeddedIndex ()) field year text

    /// True when the text has no findings for the year.
    let isClean (year: int) (text: string) = List.isEmpty (scan year text)

    /// Findings over every text field of a timepoint (see SceneText.fields), for its year; none when the year
    /// is unknown.
    let scanScene (t: Timepoint) : Finding list =
        match SceneText.year t with
        | None -> []
        | Some year ->
            let ix = embeddedIndex ()

            SceneText.fields t
            |> List.collect (fun (field, text) -> scanWith ix field year text)

[<RequireQualifiedAccess>]
module Finding =
    /// True for a finding in spoken dialog (a critical issue; elsewhere it is major).
    let isDialog (f: Finding) = f.Field.StartsWith "dialog.lines"

    /// The years a term belongs to: "from 1910", or "1500–1792" for a withdrawn thing.
    let years (f: Finding) =
        match f.Until with
        | Some last -> $"{TimelineData.displayYear f.Earliest}–{TimelineData.displayYear last}"
        | None -> $"from {TimelineData.displayYear f.Earliest}"

    /// "teletype (from 1910) in scene.sounds: \"Teletype machines\"".
    let describe (f: Finding) =
        $"{f.Term} ({years f}) in {f.Field}: \"{f.Matched}\""

    /// Wire form: term, matched, earliest, until, field.
    let encode (f: Finding) =
        Encode.obj [
            "term", Encode.string f.Term
            "matched", Encode.string f.Matched
            "earliest", Encode.int f.Earliest
            "until", Encode.opt Encode.int f.Until
            "field", Encode.string f.Field
        ]
