namespace TimepointFlash

/// Calendar arithmetic on the Julian Day Number (JDN): leap years, month lengths and date <-> JDN for the
/// Julian and Gregorian calendars and the historical convention. Years here are astronomical (1 BCE = 0);
/// everything is int64 floor arithmetic, total for every input.
[<RequireQualifiedAccess>]
module JulianDay =
    /// Floor division (rounds toward negative infinity).
    let floorDiv (a: int64) (b: int64) =
        let q = a / b

        if (a % b <> 0L) && ((a < 0L) <> (b < 0L)) then
            q - 1L
        else
            q

    /// Floor modulo (result has the sign of the divisor).
    let floorMod (a: int64) (b: int64) = a - b * floorDiv a b

    /// JDN of the first day of the Gregorian calendar under the historical convention (1582-10-15).
    let reformJdn = 2299161L

    /// Astronomical year of a historical year (44 BCE = -44 -> -43). Year 0 has no historical meaning and maps to 0.
    let toAstronomical (year: int64) = if year < 0L then year + 1L else year

    /// Historical year of an astronomical year (-43 -> -44, 0 -> -1).
    let toHistorical (astronomical: int64) =
        if astronomical <= 0L then
            astronomical - 1L
        else
            astronomical

    /// True for a leap year of the proleptic Julian calendar (astronomical year divisible by 4).
    let isJulianLeap (astronomical: int64) = floorMod astronomical 4L = 0L

    /// True for a leap year of the proleptic Gregorian calendar.
    let isGregorianLeap (astronomical: int64) =
        floorMod astronomical 4L = 0L
        && (floorMod astronomical 100L <> 0L || floorMod astronomical 400L = 0L)

    /// True when the date's labels are read in the Gregorian calendar under the historical convention.
    let private isGregorianLabel (astronomical: int64) (month: int64) (day: int64) =
        astronomical > 1582L
        || (astronomical = 1582L && (month > 10L || (month = 10L && day >= 15L)))

    /// True when the date falls in the days the 1582 reform skipped (1582-10-05 to 1582-10-14, historical only).
    let isInReformGap (calendar: Calendar) (astronomical: int64) (month: int64) (day: int64) =
        calendar = Calendar.Historical
        && astronomical = 1582L
        && month = 10L
        && day >= 5L
        && day <= 14L

    /// True for a leap year of the given calendar (historical: Julian rule before 1582, Gregorian from 1582).
    let isLeap (calendar: Calendar) (astronomical: int64) =
        match calendar with
        | Calendar.Julian -> isJulianLeap astronomical
        | Calendar.Gregorian -> isGregorianLeap astronomical
        | Calendar.Historical ->
            if astronomical < 1582L then
                isJulianLeap astronomical
            else
                isGregorianLeap astronomical

    /// Number of day labels of a month (1..12) in the calendar; 0 for a month outside 1..12.
    /// Historical October 1582 keeps 31 labels, of which 5..14 are the reform gap.
    let monthLength (calendar: Calendar) (astronomical: int64) (month: int64) =
        match month with
        | 1L
        | 3L
        | 5L
        | 7L
        | 8L
        | 10L
        | 12L -> 31L
        | 4L
        | 6L
        | 9L
        | 11L -> 30L
        | 2L -> if isLeap calendar astronomical then 29L else 28L
        | _ -> 0L

    /// JDN of a proleptic Gregorian date (any integers; the formula extends past month ends).
    let ofGregorian (astronomical: int64) (month: int64) (day: int64) =
        let a = floorDiv (14L - month) 12L
        let y = astronomical + 4800L - a
        let m = month + 12L * a - 3L

        day + floorDiv (153L * m + 2L) 5L + 365L * y + floorDiv y 4L - floorDiv y 100L
        + floorDiv y 400L
        - 32045L

    /// JDN of a proleptic Julian date (any integers; the formula extends past month ends).
    let ofJulian (astronomical: int64) (month: int64) (day: int64) =
        let a = floorDiv (14L - month) 12L
        let y = astronomical + 4800L - a
        let m = month + 12L * a - 3L
        day + floorDiv (153L * m + 2L) 5L + 365L * y + floorDiv y 4L - 32083L

    /// JDN of a date read in the calendar (historical: Julian before 1582-10-15, Gregorian from then on).
    let ofDate (calendar: Calendar) (astronomical: int64) (month: int64) (day: int64) =
        match calendar with
        | Calendar.Julian -> ofJulian astronomical month day
        | Calendar.Gregorian -> ofGregorian astronomical month day
        | Calendar.Historical ->
            if isGregorianLabel astronomical month day then
                ofGregorian astronomical month day
            else
                ofJulian astronomical month day

    let private fromShifted (c: int64) (b: int64) =
        let d = floorDiv (4L * c + 3L) 1461L
        let e = c - floorDiv (1461L * d) 4L
        let m = floorDiv (5L * e + 2L) 153L
        let day = e - floorDiv (153L * m + 2L) 5L + 1L
        let month = m + 3L - 12L * floorDiv m 10L
        let year = 100L * b + d - 4800L + floorDiv m 10L
        year, month, day

    /// Proleptic Gregorian (astronomical year, month, day) of a JDN.
    let toGregorian (jdn: int64) =
        let a = jdn + 32044L
        let b = floorDiv (4L * a + 3L) 146097L
        let c = a - floorDiv (146097L * b) 4L
        fromShifted c b

    /// Proleptic Julian (astronomical year, month, day) of a JDN.
    let toJulian (jdn: int64) = fromShifted (jdn + 32082L) 0L

    /// (astronomical year, month, day) of a JDN in the calendar (historical: Gregorian from JDN 2299161).
    let toDate (calendar: Calendar) (jdn: int64) =
        match calendar with
        | Calendar.Julian -> toJulian jdn
        | Calendar.Gregorian -> toGregorian jdn
        | Calendar.Historical -> if jdn >= reformJdn then toGregorian jdn else toJulian jdn
