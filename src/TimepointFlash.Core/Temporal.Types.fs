namespace TimepointFlash

/// A unit of temporal navigation.
[<RequireQualifiedAccess>]
type TimeUnit =
    | Second
    | Minute
    | Hour
    | Day
    | Week
    | Month
    | Year

/// Meteorological season.
[<RequireQualifiedAccess>]
type Season =
    | Spring
    | Summer
    | Fall
    | Winter

/// A named part of the day.
[<RequireQualifiedAccess>]
type TimeOfDay =
    | Dawn
    | Morning
    | Midday
    | Afternoon
    | Evening
    | Dusk
    | Night
    | Midnight

/// Which hemisphere seasons are reckoned for.
[<RequireQualifiedAccess>]
type Hemisphere =
    | Northern
    | Southern

/// How month/day labels are read: the historical convention (Julian before 1582-10-15, Gregorian from then on)
/// or one calendar applied proleptically to all dates.
[<RequireQualifiedAccess>]
type Calendar =
    | Historical
    | Julian
    | Gregorian

/// The finest component a point carries.
[<RequireQualifiedAccess>]
type Precision =
    | Year
    | Month
    | Day
    | Hour
    | Minute
    | Second

/// A point in time at some precision. Year uses historical numbering: never 0, negative = BCE (-44 = 44 BCE).
/// Components are contiguous: a day needs a month, an hour a day, and so on.
type TemporalPoint = {
    Year: int
    Month: int option
    Day: int option
    Hour: int option
    Minute: int option
    Second: int option
    Season: Season option
    TimeOfDay: TimeOfDay option
    Era: string option
    Hemisphere: Hemisphere option
    Calendar: Calendar
}

/// Why a temporal value or operation was refused.
[<RequireQualifiedAccess>]
type TemporalError =
    | YearZero
    | YearOutOfRange of year: int
    | MonthOutOfRange of month: int
    | DayOutOfRange of year: int * month: int * day: int
    | HourOutOfRange of hour: int
    | MinuteOutOfRange of minute: int
    | SecondOutOfRange of second: int
    | MissingComponent of present: string * missing: string
    | InReformGap of year: int * month: int * day: int
    | Unparseable of text: string
    | UnknownUnit of text: string
    /// A season, time of day, hemisphere or calendar name that is not one of the known values.
    | UnknownName of kind: string * text: string
    /// A JSON field that is missing or has the wrong shape.
    | InvalidField of field: string * reason: string
