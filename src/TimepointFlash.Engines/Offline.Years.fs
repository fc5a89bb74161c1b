namespace TimepointFlash.Engines.Offline

open System
open System.Text.RegularExpressions

/// A date read out of free text: historical year numbering (never 0, negative = BCE).
type YearGuess = {
    Year: int
    Month: int option
    Day: int option
    Approximate: bool
}

/// Year, date and era reading for the offline engine (self-contained; no dependency on the temporal algebra).
[<RequireQualifiedAccess>]
module Years =
    let private rx (pattern: string) =
        Regex(pattern, RegexOptions.CultureInvariant ||| RegexOptions.Compiled)

    let private months = [
        "january", 1
        "february", 2
        "march", 3
        "april", 4
        "may", 5
        "june", 6
        "july", 7
        "august", 8
        "september", 9
        "october", 10
        "november", 11
        "december", 12
        "jan", 1
        "feb", 2
        "mar", 3
        "apr", 4
        "jun", 6
        "jul", 7
        "aug", 8
        "sep", 9
        "sept", 9
        "oct", 10
        "nov", 11
        "dec", 12
    ]

    let private monthNumber (s: string) =
        months |> List.tryFind (fun (n, _) -> n = s) |> Option.map snd

    let private monthAlternation =
        months
        |> List.map fst
        |> List.sortByDescending String.length
        |> String.concat "|"

    let private ordinals = [
        "first", 1
        "second", 2
        "third", 3
        "fourth", 4
        "fifth", 5
        "sixth", 6
        "seventh", 7
        "eighth", 8
        "ninth", 9
        "tenth", 10
        "eleventh", 11
        "twelfth", 12
        "thirteenth", 13
        "fourteenth", 14
        "fifteenth", 15
        "sixteenth", 16
        "seventeenth", 17
        "eighteenth", 18
        "nineteenth", 19
        "twentieth", 20
        "twenty first", 21
    ]

    /// True for a year the service accepts: not 0, within -10000..3000.
    let isValid (y: int) = y <> 0 && y >= -10000 && y <= 3000

    let private iso = rx @"(?<![\d-])(\d{3,4})-(\d{1,2})-(\d{1,2})(?!\d)"

    let private century =
        rx (
            @"\b(\d{1,2})(?:st|nd|rd|th)?\s+century\b\s*(bce|bc|ce|ad)?|\b("
            + (ordinals |> List.map fst |> String.concat "|")
            + @")\s+century\b\s*(bce|bc|ce|ad)?"
        )

    let private decade = rx @"\b(\d{2,3})0\s?'?s\b"

    let private monthDayYear =
        rx (
            @"\b("
            + monthAlternation
            + @")\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(\d{1,5})\s*(bce|bc|ce|ad)?\b"
        )

    let private dayMonthYear =
        rx (
            @"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?("
            + monthAlternation
            + @")\s*,?\s+(\d{1,5})\s*(bce|bc|ce|ad)?\b"
        )

    let private monthYear =
        rx (@"\b(" + monthAlternation + @")\s*,?\s+(\d{3,4})\s*(bce|bc|ce|ad)?\b")

    let private yearMonth =
        rx (@"\b(\d{3,4})\s*(bce|bc|ce|ad)?\s*,?\s+(" + monthAlternation + @")\b")

    let private clockTime =
        rx @"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])"

    let private clock24 = rx @"\b([01]?\d|2[0-3]):([0-5]\d)\b"

    let private beforeEra = rx @"\b(\d{1,5})\s*(bce|bc)\b"
    let private commonEraAfter = rx @"\b(\d{1,4})\s*(ce|ad)\b"
    let private commonEraBefore = rx @"\b(?:ad|ce)\s*(\d{1,4})\b"
    let private bare = rx @"(?<![\d.,:/#-])\b(\d{3,4})\b(?![\d.,:/]\d)"
    let private circa = rx @"\b(?:c|ca|circa|around|about|approximately)\b"

    /// Lower-case, diacritics folded, "b.c.e."-style markers collapsed to "bce".
    let private prepare (query: string) =
        (Text.fold query)
            .Replace("b.c.e.", "bce")
            .Replace("b.c.e", "bce")
            .Replace("b.c.", "bc")
            .Replace("a.d.", "ad")
            .Replace("c.e.", "ce")

    let private signed (era: string) (n: int) =
        match era with
        | "bce"
        | "bc" -> -n
        | _ -> n

    let private intOf (s: string) =
        match Int32.TryParse s with
        | true, v -> Some v
        | _ -> None

    let private guess year month day approximate =
        if isValid year then
            Some {
                Year = year
                Month = month
                Day = month |> Option.bind (fun _ -> day)
                Approximate = approximate
            }
        else
            None

    let private validDay (d: int) =
        if d >= 1 && d <= 31 then Some d else None

    let private tryIso (s: string) =
        let m = iso.Match s

        if m.Success then
            match intOf m.Groups[1].Value, intOf m.Groups[2].Value, intOf m.Groups[3].Value with
            | Some y, Some mo, Some d when mo >= 1 && mo <= 12 -> guess y (Some mo) (validDay d) false
            | _ -> None
        else
            None

    let private tryCentury (s: string) =
        let m = century.Match s

        if m.Success then
            let n, era =
                if m.Groups[1].Success then
                    intOf m.Groups[1].Value, m.Groups[2].Value
                else
                    ordinals |> List.tryFind (fun (w, _) -> w = m.Groups[3].Value) |> Option.map snd, m.Groups[4].Value

            n
            |> Option.filter (fun c -> c >= 1 && c <= 30)
            |> Option.bind (fun c -> guess (signed era ((c - 1) * 100 + 50)) None None true)
        else
            None

    let private tryDecade (s: string) =
        let m = decade.Match s

        if m.Success then
            intOf m.Groups[1].Value
            |> Option.bind (fun d -> if d >= 10 then guess (d * 10 + 5) None None true else None)
        else
            None

    let private tryMonthDate (s: string) =
        let mdy = monthDayYear.Match s
        let dmy = dayMonthYear.Match s
        let my = monthYear.Match s

        if mdy.Success then
            match monthNumber mdy.Groups[1].Value, intOf mdy.Groups[2].Value, intOf mdy.Groups[3].Value with
            | Some mo, Some d, Some y -> guess (signed mdy.Groups[4].Value y) (Some mo) (validDay d) false
            | _ -> None
        elif dmy.Success then
            match intOf dmy.Groups[1].Value, monthNumber dmy.Groups[2].Value, intOf dmy.Groups[3].Value with
            | Some d, Some mo, Some y -> guess (signed dmy.Groups[4].Value y) (Some mo) (validDay d) false
            | _ -> None
        elif my.Success then
            match monthNumber my.Groups[1].Value, intOf my.Groups[2].Value with
            | Some mo, Some y -> guess (signed my.Groups[3].Value y) (Some mo) None false
            | _ -> None
        else
            let ym = yearMonth.Match s

            if ym.Success then
                match intOf ym.Groups[1].Value, monthNumber ym.Groups[3].Value with
                | Some y, Some mo -> guess (signed ym.Groups[2].Value y) (Some mo) None false
                | _ -> None
            else
                None

    let private tryEraMarked (s: string) =
        let bce = beforeEra.Match s
        let after = commonEraAfter.Match s
        let before = commonEraBefore.Match s

        if bce.Success then
            intOf bce.Groups[1].Value |> Option.bind (fun y -> guess -y None None false)
        elif after.Success then
            intOf after.Groups[1].Value |> Option.bind (fun y -> guess y None None false)
        elif before.Success then
            intOf before.Groups[1].Value |> Option.bind (fun y -> guess y None None false)
        else
            None

    let private tryBare (s: string) =
        let m = bare.Match s

        if m.Success then
            intOf m.Groups[1].Value
            |> Option.bind (fun y ->
                if y >= 100 && y <= 2999 then
                    guess y None None false
                else
                    None)
        else
            None

    /// The date a query names, if any: ISO dates, "March 15, 44 BCE", "44 BC", "AD 476", "c. 1500",
    /// "the 1920s" (1925, approximate), "3rd century BC" (-250, approximate), bare "1776".
    let extract (query: string) : YearGuess option =
        if String.IsNullOrWhiteSpace query then
            None
        else
            let s = prepare query
            let isCirca = circa.IsMatch s

            [ tryIso; tryMonthDate; tryCentury; tryDecade; tryEraMarked; tryBare ]
            |> List.tryPick (fun f -> f s)
            |> Option.map (fun g -> {
                g with
                    Approximate = g.Approximate || isCirca
            })

    /// The hour of a clock time a query states ("3 pm", "3:30 p.m.", "15:00"), 0-23.
    let clock (query: string) : int option =
        if String.IsNullOrWhiteSpace query then
            None
        else
            let s = prepare query
            let twelve = clockTime.Match s
            let full = clock24.Match s

            if twelve.Success then
                intOf twelve.Groups[1].Value
                |> Option.filter (fun h -> h >= 1 && h <= 12)
                |> Option.map (fun h ->
                    let pm = twelve.Groups[3].Value.StartsWith "p"
                    (h % 12) + (if pm then 12 else 0))
            elif full.Success then
                intOf full.Groups[1].Value
            else
                None

    /// "44 BCE" / "1776 CE".
    let display (year: int) =
        if year < 0 then $"{-year} BCE" else $"{year} CE"

    /// Era label for a year: Ancient (< -3000), Ancient Civilizations (to -501), Classical Antiquity (-500..499),
    /// Medieval (500..1499), Early Modern (1500..1799), 19th Century, 20th Century, Contemporary (2000 on).
    let era (year: int) =
        if year < -3000 then "Ancient"
        elif year < -500 then "Ancient Civilizations"
        elif year < 500 then "Classical Antiquity"
        elif year < 1500 then "Medieval"
        elif year < 1800 then "Early Modern"
        elif year < 1900 then "19th Century"
        elif year < 2000 then "20th Century"
        else "Contemporary"

    /// Every era label, oldest first.
    let eras = [
        "Ancient"
        "Ancient Civilizations"
        "Classical Antiquity"
        "Medieval"
        "Early Modern"
        "19th Century"
        "20th Century"
        "Contemporary"
    ]

    /// Month name for 1..12.
    let monthName (m: int) =
        [|
            "January"
            "February"
            "March"
            "April"
            "May"
            "June"
            "July"
            "August"
            "September"
            "October"
            "November"
            "December"
        |][(m - 1) % 12]
