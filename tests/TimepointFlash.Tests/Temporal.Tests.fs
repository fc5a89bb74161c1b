module TimepointFlash.Tests.Temporal

open Expecto

/// Every temporal test list: calendar, algebra, stepping, tables, laws, text, JSON, world
/// calendars and local calendars.
let tests =
    testList "Temporal" [
        TemporalCalendarTests.tests
        TemporalAlgebraTests.tests
        TemporalStepTests.tests
        TemporalTablesTests.tests
        TemporalLawTests.tests
        TemporalFormatTests.tests
        TemporalJsonTests.tests
        TemporalWorldTests.tests
        TemporalLocalTests.tests
    ]
