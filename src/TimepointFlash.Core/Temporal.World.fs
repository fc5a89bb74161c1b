namespace TimepointFlash

/// The calendars of the scene's world, as pure arithmetic on the Julian Day Number: weekday, year ab urbe
/// condita, the arithmetical Islamic calendar, the arithmetical Hebrew calendar and the Japanese eras from Meiji.
/// Each converter is total: outside its range it gives None. Conventions and sources: docs/TEMPORAL.md.
[<RequireQualifiedAccess>]
module WorldCalendars =
    let private floorDiv = JulianDay.floorDiv
    let private floorMod = JulianDay.floorMod

    // ---------------------------------------------------------------------------------------------
    // Weekday

    /// English weekday names, Monday first (JDN mod 7 = 0 is a Monday).
    let weekdayNames = [|
        "Monday"
        "Tuesday"
        "Wednesday"
        "Thursday"
        "Friday"
        "Saturday"
        "Sunday"
    |]

    /// Weekday index of a JDN: 0 = Monday … 6 = Sunday.
    let weekdayIndex (jdn: int64) = int (floorMod jdn 7L)

    /// English weekday name of a JDN.
    let weekday (jdn: int64) = weekdayNames[weekdayIndex jdn]

    // ---------------------------------------------------------------------------------------------
    // Ab urbe condita

    /// Year ab urbe condita of a historical year (1 AUC = 753 BCE, 710 AUC = 44 BCE); None before 753 BCE.
    let auc (year: int) =
        if year = 0 then
            None
        else
            let value = JulianDay.toAstronomical (int64 year) + 753L
            if value >= 1L then Some(int value) else None

    /// The historical year of a year ab urbe condita (710 -> -44); None below 1.
    let ofAuc (auc: int) =
        if auc < 1 then
            None
        else
            Some(int (JulianDay.toHistorical (int64 auc - 753L)))

    // ---------------------------------------------------------------------------------------------
    // Islamic (arithmetical, civil epoch)

    /// JDN of 1 Muharram 1 AH under the civil epoch (Friday 16 July 622 Julian).
    let islamicEpoch = 1948440L

    /// Islamic month names (transliterated), Muharram first.
    let islamicMonthNames = [|
        "Muharram"
        "Safar"
        "Rabi al-Awwal"
        "Rabi al-Thani"
        "Jumada al-Ula"
        "Jumada al-Akhira"
        "Rajab"
        "Shaban"
        "Ramadan"
        "Shawwal"
        "Dhu al-Qada"
        "Dhu al-Hijja"
    |]

    /// True for a leap year of the 30-year arithmetical cycle (years 2, 5, 7, 10, 13, 16, 18, 21, 24, 26, 29).
    let isIslamicLeap (year: int64) = floorMod (14L + 11L * year) 30L < 11L

    /// Days of an Islamic month: odd months 30, even 29, the twelfth 30 in a leap year.
    let islamicMonthLength (year: int64) (month: int64) =
        if month = 12L && isIslamicLeap year then 30L
        elif floorMod month 2L = 1L then 30L
        else 29L

    /// JDN of an Islamic date (arithmetical, civil epoch); the formula extends past month ends.
    let ofIslamic (year: int64) (month: int64) (day: int64) =
        day
        + floorDiv (59L * (month - 1L) + 1L) 2L
        + (year - 1L) * 354L
        + floorDiv (3L + 11L * year) 30L
        + islamicEpoch
        - 1L

    /// Islamic (year, month, day) of a JDN; None before 1 Muharram 1 AH.
    let toIslamic (jdn: int64) =
        if jdn < islamicEpoch then
            None
        else
            let estimate = floorDiv (30L * (jdn - islamicEpoch) + 10646L) 10631L

            let year =
                if ofIslamic estimate 1L 1L > jdn then
                    estimate - 1L
                else
                    estimate

            let mutable month = 12L

            while month > 1L && ofIslamic year month 1L > jdn do
                month <- month - 1L

            Some(year, month, jdn - ofIslamic year month 1L + 1L)

    // ---------------------------------------------------------------------------------------------
    // Hebrew (arithmetical rules: molad, the four postponements)

    /// JDN of 1 Tishri AM 1 (Monday 7 October 3761 BCE Julian).
    let hebrewEpoch = 347998L

    /// True for a leap year of the 19-year cycle (years 3, 6, 8, 11, 14, 17, 19).
    let isHebrewLeap (year: int64) = floorMod (7L * year + 1L) 19L < 7L

    /// Months in a Hebrew year: 13 in a leap year, else 12.
    let hebrewMonthsInYear (year: int64) = if isHebrewLeap year then 13L else 12L

    /// Days from the epoch to the molad-based new year (with the first postponement).
    let private elapsedDays (year: int64) =
        let months = floorDiv (235L * year - 234L) 19L
        let parts = 12084L + 13753L * months
        let days = 29L * months + floorDiv parts 25920L

        if floorMod (3L * (days + 1L)) 7L < 3L then
            days + 1L
        else
            days

    /// The remaining postponements, which keep every year 353–355 or 383–385 days long.
    let private yearLengthCorrection (year: int64) =
        let ny0 = elapsedDays (year - 1L)
        let ny1 = elapsedDays year
        let ny2 = elapsedDays (year + 1L)

        if ny2 - ny1 = 356L then 2L
        elif ny1 - ny0 = 382L then 1L
        else 0L

    /// JDN of 1 Tishri of a Hebrew year.
    let hebrewNewYear (year: int64) =
        hebrewEpoch + elapsedDays year + yearLengthCorrection year

    /// Days in a Hebrew year (353, 354, 355, 383, 384 or 385).
    let hebrewYearLength (year: int64) =
        hebrewNewYear (year + 1L) - hebrewNewYear year

    /// Days of a month in a year of this length (leap or not).
    let private monthLengthIn (yearLength: int64) (leap: bool) (month: int64) =
        match month with
        | 2L
        | 4L
        | 6L
        | 10L
        | 13L -> 29L
        | 12L when not leap -> 29L
        | 8L when yearLength % 10L <> 5L -> 29L
        | 9L when yearLength % 10L = 3L -> 29L
        | _ -> 30L

    /// Days of a Hebrew month, months numbered from Nisan (1) to Adar (12) and Adar II (13).
    let hebrewMonthLength (year: int64) (month: int64) =
        monthLengthIn (hebrewYearLength year) (isHebrewLeap year) month

    /// Hebrew month names, Nisan (1) first; 12 is Adar (Adar I in a leap year), 13 Adar II.
    let hebrewMonthName (year: int64) (month: int64) =
        match month with
        | 1L -> "Nisan"
        | 2L -> "Iyyar"
        | 3L -> "Sivan"
        | 4L -> "Tammuz"
        | 5L -> "Av"
        | 6L -> "Elul"
        | 7L -> "Tishri"
        | 8L -> "Heshvan"
        | 9L -> "Kislev"
        | 10L -> "Tevet"
        | 11L -> "Shevat"
        | 12L -> if isHebrewLeap year then "Adar I" else "Adar"
        | _ -> "Adar II"

    /// JDN of a Hebrew date (the year begins with Tishri, month 7).
    let ofHebrew (year: int64) (month: int64) (day: int64) =
        let length = hebrewYearLength year
        let leap = isHebrewLeap year
        let last = if leap then 13L else 12L

        let sumMonths first final =
            let mutable total = 0L

            for m in first..final do
                total <- total + monthLengthIn length leap m

            total

        let before =
            if month < 7L then
                sumMonths 7L last + sumMonths 1L (month - 1L)
            else
                sumMonths 7L (month - 1L)

        hebrewNewYear year + before + day - 1L

    /// Hebrew (year, month, day) of a JDN; None before 1 Tishri AM 1.
    let toHebrew (jdn: int64) =
        if jdn < hebrewEpoch then
            None
        else
            let approx = floorDiv ((jdn - hebrewEpoch) * 98496L) 35975351L + 1L

            let year =
                [ approx + 1L; approx; approx - 1L ]
                |> List.find (fun y -> hebrewNewYear y <= jdn)

            let length = hebrewYearLength year
            let leap = isHebrewLeap year
            let order = Array.append [| 7L .. (if leap then 13L else 12L) |] [| 1L .. 6L |]
            let mutable start = hebrewNewYear year
            let mutable i = 0

            while i < order.Length - 1 && jdn >= start + monthLengthIn length leap order[i] do
                start <- start + monthLengthIn length leap order[i]
                i <- i + 1

            Some(year, order[i], jdn - start + 1L)

    // ---------------------------------------------------------------------------------------------
    // Japanese eras (from Meiji)

    /// A Japanese era: its Hepburn name, its first day (proleptic Gregorian) and the Gregorian year of its year 1.
    type JapaneseEra = {
        Name: string
        Start: int * int * int
        FirstYear: int
    }

    /// The eras from Meiji on, earliest first. Meiji years count from 1868 (the era was proclaimed on 23 October).
    let japaneseEras = [
        {
            Name = "Meiji"
            Start = 1868, 10, 23
            FirstYear = 1868
        }
        {
            Name = "Taishō"
            Start = 1912, 7, 30
            FirstYear = 1912
        }
        {
            Name = "Shōwa"
            Start = 1926, 12, 25
            FirstYear = 1926
        }
        {
            Name = "Heisei"
            Start = 1989, 1, 8
            FirstYear = 1989
        }
        {
            Name = "Reiwa"
            Start = 2019, 5, 1
            FirstYear = 2019
        }
    ]

    let private eraStartJdn (e: JapaneseEra) =
        let y, m, d = e.Start
        JulianDay.ofGregorian (int64 y) (int64 m) (int64 d)

    /// Japanese era name and year of a JDN; None before 23 October 1868.
    let toJapaneseEra (jdn: int64) =
        japaneseEras
        |> List.filter (fun e -> eraStartJdn e <= jdn)
        |> List.tryLast
        |> Option.map (fun e ->
            let gregorianYear, _, _ = JulianDay.toGregorian jdn
            e.Name, int gregorianYear - e.FirstYear + 1)

    /// The Gregorian year of an era year ("Heisei", 1 -> 1989), when the era is known (case-insensitive, with
    /// or without macrons) and the year is at least 1.
    let ofJapaneseEra (name: string) (year: int) =
        let plain (s: string) =
            s.ToLowerInvariant().Replace("ō", "o").Replace("ou", "o")

        japaneseEras
        |> List.tryFind (fun e -> plain e.Name = plain (if isNull name then "" else name))
        |> Option.filter (fun _ -> year >= 1)
        |> Option.map (fun e -> e.FirstYear + year - 1)
