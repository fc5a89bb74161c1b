namespace TimepointFlash.Cli

open System
open TimepointFlash

/// `tpflash calendar "<date>" [--place "<place>"] [--add "<n> <unit>"] [--json]`: a date in the calendar of its
/// place and in the calendars of the world. Pure Core; no server and no database.
[<RequireQualifiedAccess>]
module CalendarCommand =
    /// Why the command refused its input.
    [<RequireQualifiedAccess>]
    type CalendarError =
        | Date of TemporalError
        | Amount of text: string

    /// "1 day", "-3 weeks", "+2 months" -> (count, unit).
    let parseAmount (text: string) =
        match (if isNull text then "" else text).Split(' ', StringSplitOptions.RemoveEmptyEntries) with
        | [| n; unit |] ->
            match
                Int32.TryParse(
                    n,
                    Globalization.NumberStyles.AllowLeadingSign,
                    Globalization.CultureInfo.InvariantCulture
                ),
                TimeUnit.parse unit
            with
            | (true, count), Ok u -> Ok(count, u)
            | _ -> Error(CalendarError.Amount text)
        | _ -> Error(CalendarError.Amount text)

    /// The place's rule, the date read there and stepped by the amount, in every calendar.
    let compute (date: string) (place: string option) (add: string option) =
        let rule = CalendarRegions.ofPlace (defaultArg place "")
        let region = CalendarRegions.regionOf rule

        let amount =
            match add with
            | Some text -> parseAmount text
            | None -> Ok(0, TimeUnit.Day)

        amount
        |> Result.bind (fun (n, unit) ->
            LocalCalendar.parse region date
            |> Result.bind (LocalCalendar.step n unit)
            |> Result.mapError CalendarError.Date)
        |> Result.map (fun lp -> rule, CalendarsView.ofLocal lp)

    /// One line per error.
    let describe (e: CalendarError) =
        match e with
        | CalendarError.Date e -> TemporalError.describe e
        | CalendarError.Amount text -> $"--add must be \"<n> <unit>\" (e.g. \"1 day\", \"-2 weeks\"), got '{text}'"

    /// The rule in words: "Russia (Julian until 31 January 1918, Gregorian from 14 February 1918)".
    let ruleText (rule: PlaceRule) =
        let r = CalendarRegions.regionOf rule

        let date (y, m, d) =
            $"{d} {TemporalFormat.monthNames[m - 1]} {y}"

        let span =
            $"Julian until {date r.LastJulian}, Gregorian from {date r.FirstGregorian}"

        match rule with
        | PlaceRule.Known(place, _) -> $"{r.Name} ({span}; matched '{place}')"
        | PlaceRule.Unknown "" -> $"no place given: {r.Name} ({span})"
        | PlaceRule.Unknown text -> $"place '{text}' not recognised: {r.Name} ({span})"

    /// Runs the command; exit 0, or 2 for a date or amount it cannot read.
    let run (date: string) (place: string option) (add: string option) (json: bool) =
        match compute date place add with
        | Error e ->
            Console.Error.WriteLine("tpflash: " + describe e)
            2
        | Ok(rule, view) ->
            if json then
                match rule with
                | PlaceRule.Unknown _ -> Console.Error.WriteLine("tpflash: " + ruleText rule)
                | PlaceRule.Known _ -> ()

                Console.Out.WriteLine(Encode.toIndentedString (CalendarsView.toJson view))
            else
                Console.Out.WriteLine(LocalCalendar.bothStyles view.Local)
                Console.Out.WriteLine("Calendar rule: " + ruleText rule)

                for label, text in CalendarsView.rows view do
                    Console.Out.WriteLine($"  {label}: {text}")

            0
