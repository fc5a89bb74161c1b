namespace TimepointFlash.Engines.Offline

open System
open System.Collections.Generic
open System.Text

/// Text normalisation and stable hashing for the offline engine (no culture, no randomness).
[<RequireQualifiedAccess>]
module Text =
    /// Lower-cases and replaces accented Latin letters by their plain forms.
    let fold (s: string) =
        if isNull s then
            ""
        else
            let lower = s.ToLowerInvariant()

            // Plain ASCII has nothing to fold.
            if String.forall (fun c -> c < '\u0080') lower then
                lower
            else
                let sb = StringBuilder(lower.Length)

                for c in lower do
                    match TimepointFlash.LatinFold.table.TryGetValue c with
                    | true, ascii -> sb.Append ascii |> ignore
                    | _ -> sb.Append c |> ignore

                sb.ToString()

    /// Drops control characters (except whitespace) and unpaired surrogates, so text is safe in JSON and XML.
    let sanitise (s: string) =
        if isNull s then
            ""
        else
            let sb = StringBuilder(s.Length)
            let mutable i = 0

            while i < s.Length do
                let c = s[i]

                if Char.IsHighSurrogate c && i + 1 < s.Length && Char.IsLowSurrogate s[i + 1] then
                    sb.Append(c).Append(s[i + 1]) |> ignore
                    i <- i + 1
                elif Char.IsSurrogate c || c = '\uFFFE' || c = '\uFFFF' then
                    ()
                elif Char.IsControl c then
                    (if Char.IsWhiteSpace c then
                         sb.Append ' ' |> ignore)
                else
                    sb.Append c |> ignore

                i <- i + 1

            sb.ToString()

    /// Folded text with every run of non-letters/digits replaced by one space, trimmed.
    let normalise (s: string) =
        let folded = fold s
        let sb = StringBuilder(folded.Length)
        let mutable space = true

        for c in folded do
            if Char.IsLetterOrDigit c then
                sb.Append c |> ignore
                space <- false
            elif not space then
                sb.Append ' ' |> ignore
                space <- true

        sb.ToString().Trim()

    /// The words of normalised text.
    let words (s: string) =
        (normalise s).Split(' ', StringSplitOptions.RemoveEmptyEntries) |> List.ofArray

    // True for text normalise leaves unchanged that is plain ASCII: a-z, 0-9 and single inner spaces.
    let private isPlainNormalised (s: string) =
        let mutable ok = s.Length > 0 && s[0] <> ' ' && s[s.Length - 1] <> ' '
        let mutable i = 0

        while ok && i < s.Length do
            let c = s[i]
            ok <- (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c = ' ' && s[i - 1] <> ' ')
            i <- i + 1

        ok

    // True when p occurs in text with a space or an end of the text on both sides; allocates nothing.
    let private occursAsWords (text: string) (p: string) =
        let mutable found = false
        let mutable from = 0

        while not found && from <= text.Length - p.Length do
            let i = text.IndexOf(p, from, StringComparison.Ordinal)

            if i < 0 then
                from <- text.Length + 1
            else
                found <-
                    (i = 0 || text[i - 1] = ' ')
                    && (i + p.Length = text.Length || text[i + p.Length] = ' ')

                from <- i + 1

        found

    /// True when the normalised phrase occurs in the normalised text on word boundaries.
    /// Same answer as `(" " + normalisedText + " ").Contains(" " + normalise phrase + " ")` for a non-empty phrase;
    /// phrases already in plain normalised form (the curated data's) are not normalised again.
    let containsPhrase (normalisedText: string) (phrase: string) =
        let p =
            if not (isNull phrase) && isPlainNormalised phrase then
                phrase
            else
                normalise phrase

        p <> ""
        && occursAsWords (if isNull normalisedText then "" else normalisedText) p

    /// FNV-1a hash of the normalised text: stable across runs and machines.
    let hash (s: string) =
        let bytes = Encoding.UTF8.GetBytes(normalise s)
        let mutable h = 2166136261u

        for b in bytes do
            h <- (h ^^^ uint32 b) * 16777619u

        h

    /// A stable choice from a non-empty list, varied by a salt so different slots pick differently.
    let pick (seed: uint32) (salt: int) (items: 'T list) =
        match items with
        | [] -> invalidArg (nameof items) "pick needs at least one item"
        | _ ->
            let mixed = (seed ^^^ (uint32 salt * 2654435761u)) * 2246822519u
            items[int ((mixed >>> 8) % uint32 (List.length items))]

    /// A stable choice, or the fallback when the list is empty.
    let pickOr (fallback: 'T) (seed: uint32) (salt: int) (items: 'T list) =
        if List.isEmpty items then
            fallback
        else
            pick seed salt items

    /// Upper-cases the first letter.
    let capitalise (s: string) =
        if String.IsNullOrEmpty s then
            s
        else
            string (Char.ToUpperInvariant s[0]) + s.Substring 1

    /// "a" or "an" before a word.
    let article (word: string) =
        if not (String.IsNullOrEmpty word) && "aeiouAEIOU".Contains word[0] then
            "an " + word
        else
            "a " + word

    /// A place name usable mid-sentence: a leading "A"/"An"/"The" is lower-cased.
    let inSentence (place: string) =
        if isNull place then
            ""
        elif place.StartsWith "The " || place.StartsWith "A " || place.StartsWith "An " then
            string (Char.ToLowerInvariant place[0]) + place.Substring 1
        else
            place

    /// The last comma-separated part of a place ("Curia …, Rome" → "Rome").
    let town (place: string) =
        if isNull place then
            ""
        else
            place.Split(',', StringSplitOptions.RemoveEmptyEntries)
            |> Array.map (fun s -> s.Trim())
            |> Array.filter (fun s -> s <> "")
            |> Array.tryLast
            |> Option.map inSentence
            |> Option.defaultValue place

    /// Cuts text at a word boundary to at most n characters.
    let clip n (s: string) =
        if isNull s || s.Length <= n then
            (if isNull s then "" else s)
        else
            let cut = s.Substring(0, n)
            // Never split a surrogate pair.
            let cut =
                if Char.IsHighSurrogate cut[cut.Length - 1] then
                    cut.Substring(0, n - 1)
                else
                    cut

            match cut.LastIndexOf ' ' with
            | i when i > n / 2 -> cut.Substring(0, i).TrimEnd(',', ';', ':') + "…"
            | _ -> cut + "…"
