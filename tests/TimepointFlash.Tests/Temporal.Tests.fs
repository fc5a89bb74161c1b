module TimepointFlash.Tests.Temporal

open Expecto

/// Every temporal test list: calendar, algebra, stepping, tables, laws, text and JSON.
let tests =
    testList "Temporal" [
        TemporalCalendarTests.tests
        TemporalAlgebraTests.tests
        TemporalStepTests.tests
        TemporalTablesTests.tests
        TemporalLawTests.tests
        TemporalFormatTests.tests
        TemporalJsonTests.tests
    ]
