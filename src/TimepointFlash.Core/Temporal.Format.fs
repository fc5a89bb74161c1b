namespace TimepointFlash

open System
open System.Text.RegularExpressions

/// Display and parsing of temporal points ("March 15, 44 BCE", "1969-07-20T20:17", "c. 1500").
[<RequireQualifiedAccess>]
module TemporalFormat =
    /// English month names, January first.
    let monthNames = [|
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
    |]

    let private monthName (m: int) =
        if m >= 1 && m <= 12 then
            monthNames[m - 1]
        else
            $"Month {m}"

    /// "44 BCE" for a negative year, "1776 CE" otherwise.
    let yearLabel (year: int) =
        if year < 0 then $"{-(int64 year)} BCE" else $"{year} CE"

    /// The point's year as "44 BCE" / "1776 CE".
    let displayYear (p: TemporalPoint) = yearLabel p.Year

    let private two (v: int) =
        v.ToString("00", Globalization.CultureInfo.InvariantCulture)

    let private calendarMark =
        function
        | Calendar.Historical -> ""
        | Calendar.Julian -> " (Julian)"
        | Calendar.Gregorian -> " (Gregorian)"

    let private dateAndTime (p: TemporalPoint) =
        let date =
            match p.Month, p.Day with
            | Some m, Some d -> $"{monthName m} {d}, {yearLabel p.Year}"
            | Some m, None -> $"{monthName m} {yearLabel p.Year}"
            | None, _ -> yearLabel p.Year

        let time =
            match p.Hour, p.Minute, p.Second with
            | Some h, Some mi, Some s -> $" {two h}:{two mi}:{two s}"
            | Some h, Some mi, None -> $" {two h}:{two mi}"
            | Some h, None, _ -> $" {two h}:00"
            | None, _, _ -> ""

        date + time

    /// "July 4, 1776 CE", "July 1776 CE", "1776 CE", "July 4, 1776 CE 14:30", "... 14:30:05"; a point read in
    /// the proleptic Julian or Gregorian calendar ends with " (Julian)" / " (Gregorian)".
    let format (p: TemporalPoint) = dateAndTime p + calendarMark p.Calendar

    /// format plus the part of the day when known: "July 4, 1776 CE (afternoon)".
    let formatLong (p: TemporalPoint) =
        let part =
            p.TimeOfDay
            |> Option.map (fun t -> $" ({TimeOfDay.name t})")
            |> Option.defaultValue ""

        dateAndTime p + part + calendarMark p.Calendar

    // ---------------------------------------------------------------------------------------------
    // Parsing

    let private options = RegexOptions.IgnoreCase ||| RegexOptions.CultureInvariant

    let private approximate =
        Regex(@"^(?:circa\s+|ca\.\s*|c\.\s*|ca\s+|c\s+|~\s*|about\s+|around\s+|approx\.?\s+)", options)

    let private trailingParens = Regex(@"\(([^()]*)\)\s*$", options)

    let private iso =
        Regex(@"^(-?\d{1,5})-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?)?$", options)

    let private clock = Regex(@"^(\d{1,2}):(\d{2})(?::(\d{2}))?$", options)
    let private yearToken = Regex(@"^(-?\d{1,9})(s?)$", options)
    let private dayToken = Regex(@"^(\d{1,2})(?:st|nd|rd|th)?$", options)

    let private toInt (s: string) =
        match
            Int32.TryParse(s, Globalization.NumberStyles.AllowLeadingSign, Globalization.CultureInfo.InvariantCulture)
        with
        | true, v -> Some v
        | _ -> None

    let private groupInt (m: Match) (i: int) =
        if m.Groups[i].Success then
            toInt m.Groups[i].Value
        else
            None

    /// Month number of a full or abbreviated English month name ("Mar", "Sept.", "march").
    let monthOfName (token: string) =
        let t = token.TrimEnd('.').ToLowerInvariant()

        if t.Length < 3 then
            None
        elif t = "sept" then
            Some 9
        else
            monthNames
            |> Array.tryFindIndex (fun n ->
                let n = n.ToLowerInvariant()
                n = t || (t.Length = 3 && n.StartsWith t))
            |> Option.map ((+) 1)

    type private Era =
        | Bce
        | Ce

    let private eraOfToken (token: string) =
        match token.Replace(".", "").ToLowerInvariant() with
        | "bce"
        | "bc" -> Some Bce
        | "ce"
        | "ad" -> Some Ce
        | _ -> None

    /// Notes read from trailing parentheses: a part of the day or a calendar marker.
    type private Notes = {
        TimeOfDay: TimeOfDay option
        Calendar: Calendar
    }

    let rec private readNotes (notes: Notes) (text: string) =
        let m = trailingParens.Match text

        if not m.Success then
            Some(notes, text.Trim())
        else
            let rest = text.Substring(0, m.Index)
            let inner = m.Groups[1].Value.Trim().ToLowerInvariant()

            match inner, TimeOfDay.parse inner with
            | ("julian" | "julian calendar" | "o.s." | "os"), _ ->
                readNotes
                    {
                        notes with
                            Calendar = Calendar.Julian
                    }
                    rest
            | ("gregorian" | "gregorian calendar" | "n.s." | "ns"), _ ->
                readNotes
                    {
                        notes with
                            Calendar = Calendar.Gregorian
                    }
                    rest
            | _, Ok t -> readNotes { notes with TimeOfDay = Some t } rest
            | _ -> None

    /// Year, month, day and clock read from the text, before validation.
    type private Fields = {
        Year: int
        Month: int option
        Day: int option
        Clock: (int * int option * int option) option
    }

    let private readIso (text: string) =
        let m = iso.Match text

        if not m.Success then
            None
        else
            match groupInt m 1, groupInt m 2 with
            | Some year, Some month ->
                let clock =
                    match groupInt m 4, groupInt m 5 with
                    | Some h, Some mi -> Some(h, Some mi, groupInt m 6)
                    | _ -> None

                Some {
                    Year = year
                    Month = Some month
                    Day = groupInt m 3
                    Clock = clock
                }
            | _ -> None

    let private readWords (text: string) =
        let tokens =
            text.Replace(",", " ").Split([| ' '; '\t'; '\n'; '\r' |], StringSplitOptions.RemoveEmptyEntries)
            |> List.ofArray

        let eras = tokens |> List.choose eraOfToken
        let clocks = tokens |> List.filter clock.IsMatch

        let rest =
            tokens |> List.filter (fun t -> (eraOfToken t).IsNone && not (clock.IsMatch t))

        let clockOf (t: string) =
            let m = clock.Match t

            match groupInt m 1, groupInt m 2 with
            | Some h, Some mi -> Some(h, Some mi, groupInt m 3)
            | _ -> None

        let year (t: string) =
            let m = yearToken.Match t

            if not m.Success then
                None
            else
                match toInt m.Groups[1].Value, eras with
                | Some y, [] -> Some y
                | Some y, [ Ce ] when y >= 0 -> Some y
                | Some y, [ Bce ] when y >= 0 -> Some -y
                | _ -> None

        let day (t: string) =
            let m = dayToken.Match t
            if m.Success then groupInt m 1 else None

        let fields y month d = {
            Year = y
            Month = month
            Day = d
            Clock = None
        }

        let date =
            match rest with
            | [ y ] -> year y |> Option.map (fun y -> fields y None None)
            // "March 15" is a day without a year: a one- or two-digit year after a month needs an era.
            | [ _; y ] when eras.IsEmpty && y.TrimStart('-').Length <= 2 -> None
            | [ m; y ] ->
                match monthOfName m, year y with
                | Some m, Some y -> Some(fields y (Some m) None)
                | _ -> None
            | [ a; b; y ] ->
                match monthOfName a, day b, day a, monthOfName b, year y with
                | Some m, Some d, _, _, Some y
                | _, _, Some d, Some m, Some y -> Some(fields y (Some m) (Some d))
                | _ -> None
            | _ -> None

        match date, clocks with
        | Some f, [] -> Some f
        | Some f, [ c ] when f.Day.IsSome -> clockOf c |> Option.map (fun c -> { f with Clock = Some c })
        | _ -> None

    /// Reads a date: "44 BCE", "476 AD", "AD 476", "1776", "-44", "March 15, 44 BCE", "15 March 44 BC",
    /// "Mar 15 44 BC", "1969-07-20", "1969-07-20T20:17", "1969-07", "c. 1500", "1500s", and everything
    /// formatLong writes. Yes, "-44-03-15" is 44 BCE: numbering is historical, never ISO's astronomical.
    let parse (text: string) : Result<TemporalPoint, TemporalError> =
        let original = if isNull text then "" else text
        let unparseable = Error(TemporalError.Unparseable original)
        let body = approximate.Replace(original.Trim(), "")

        match
            readNotes
                {
                    TimeOfDay = None
                    Calendar = Calendar.Historical
                }
                body
        with
        | None -> unparseable
        | Some(notes, rest) ->
            match readIso rest |> Option.orElse (readWords rest) with
            | None -> unparseable
            | Some f ->
                let h, mi, s =
                    match f.Clock with
                    | Some(h, mi, s) -> Some h, mi, s
                    | None -> None, None, None

                {
                    TemporalAlgebra.empty f.Year with
                        Month = f.Month
                        Day = f.Day
                        Hour = h
                        Minute = mi
                        Second = s
                        TimeOfDay = notes.TimeOfDay
                        Calendar = notes.Calendar
                }
                |> TemporalAlgebra.normalize
