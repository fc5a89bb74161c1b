module TimepointFlash.Tests.Temporal

open Expecto

/// Every temporal test list: calendar, algebra, laws, text and JSON.
let tests =
    testList "Temporal" [
        TemporalCalendarTests.tests
        TemporalAlgebraTests.tests
        TemporalLawTests.tests
        TemporalFormatTests.tests
        TemporalJsonTests.tests
    ]
