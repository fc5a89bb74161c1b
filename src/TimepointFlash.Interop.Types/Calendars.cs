namespace TimepointFlash.Interop;

/// <summary>The calendar a place wrote a date in.</summary>
public enum CalendarSystem
{
    /// <summary>The Julian calendar (Old Style).</summary>
    Julian = 0,
    /// <summary>The Gregorian calendar.</summary>
    Gregorian = 1,
}

/// <summary>A date in one calendar (year negative = BCE for Julian and Gregorian).</summary>
public sealed record CalendarDateInfo
{
    /// <summary>The year.</summary>
    public int Year { get; init; }
    /// <summary>The month from 1.</summary>
    public int Month { get; init; }
    /// <summary>The day of the month.</summary>
    public int Day { get; init; }
}

/// <summary>A timepoint's date in other calendars; day-level calendars are null when the date has no day.</summary>
public sealed record CalendarsInfo
{
    /// <summary>The date as the place wrote it.</summary>
    public string Display { get; init; } = "";
    /// <summary>The proleptic Gregorian date, or null.</summary>
    public CalendarDateInfo? Gregorian { get; init; }
    /// <summary>The Julian date, or null.</summary>
    public CalendarDateInfo? Julian { get; init; }
    /// <summary>The Julian day number, or null.</summary>
    public long? Jdn { get; init; }
    /// <summary>The weekday's English name, or null.</summary>
    public string? Weekday { get; init; }
    /// <summary>A dual year such as "1750/51" where the year began on another day, or null.</summary>
    public string? DualYear { get; init; }
    /// <summary>Years since the founding of Rome (ab urbe condita), or null.</summary>
    public int? Auc { get; init; }
    /// <summary>The Islamic (Hijri) date, or null.</summary>
    public CalendarDateInfo? Hijri { get; init; }
    /// <summary>The Hebrew date, or null.</summary>
    public CalendarDateInfo? Hebrew { get; init; }
    /// <summary>The Japanese era name, or null.</summary>
    public string? JapaneseEra { get; init; }
    /// <summary>The year of the Japanese era, or null.</summary>
    public int? JapaneseEraYear { get; init; }
}
