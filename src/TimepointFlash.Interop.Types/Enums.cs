namespace TimepointFlash.Interop;

/// <summary>Life cycle of a timepoint.</summary>
public enum TimepointStatus
{
    /// <summary>Stored, not started.</summary>
    Pending = 0,
    /// <summary>A generation is running.</summary>
    Processing = 1,
    /// <summary>Every step succeeded.</summary>
    Completed = 2,
    /// <summary>A step failed, the query was rejected, or the generation was cancelled or interrupted.</summary>
    Failed = 3,
}

/// <summary>What a progress report says about a step.</summary>
public enum StepState
{
    /// <summary>The step began.</summary>
    Started = 0,
    /// <summary>The step succeeded.</summary>
    Completed = 1,
    /// <summary>The step failed.</summary>
    Failed = 2,
    /// <summary>The generation finished and the timepoint is saved (the last report, step "complete").</summary>
    Done = 3,
    /// <summary>A model call of the step is waiting for provider budget (PROVIDER_LIMITS) before it goes out.</summary>
    Waiting = 4,
}

/// <summary>Unit of time travel.</summary>
public enum TravelUnit
{
    /// <summary>Seconds.</summary>
    Second = 0,
    /// <summary>Minutes.</summary>
    Minute = 1,
    /// <summary>Hours.</summary>
    Hour = 2,
    /// <summary>Calendar days.</summary>
    Day = 3,
    /// <summary>Weeks of seven days.</summary>
    Week = 4,
    /// <summary>Calendar months (the day is clamped to the month's length).</summary>
    Month = 5,
    /// <summary>Years (there is no year 0: one year after 1 BCE is 1 CE).</summary>
    Year = 6,
}
