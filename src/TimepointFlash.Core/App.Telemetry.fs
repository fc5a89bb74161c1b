namespace TimepointFlash

open System.Diagnostics
open System.Collections.Generic
open System.Diagnostics.Metrics

/// The service's trace source and meter, from the BCL (System.Diagnostics); hosts attach exporters.
[<RequireQualifiedAccess>]
module Telemetry =
    /// Name of the ActivitySource and the Meter.
    let name = "TimepointFlash"

    /// Spans: generation, step, LLM call.
    let source = new ActivitySource(name)

    /// Counters, histograms and gauges.
    let meter = new Meter(name)

    /// Histogram bounds in seconds, from a fast offline step to a slow remote generation.
    let secondsBuckets = [|
        0.005
        0.01
        0.025
        0.05
        0.1
        0.25
        0.5
        1.0
        2.5
        5.0
        10.0
        30.0
        60.0
        120.0
        300.0
    |]

    /// A histogram in seconds with the service's buckets (Prometheus shows it as `<name>_seconds`).
    let secondsHistogram (instrument: string) (description: string) =
        meter.CreateHistogram<float>(
            instrument,
            "s",
            description,
            null,
            InstrumentAdvice<float>(HistogramBucketBoundaries = secondsBuckets)
        )

    /// `tpflash_generations_total{status}`.
    let generations =
        meter.CreateCounter<int64>("tpflash_generations", null, "Generations finished, by status")

    /// `tpflash_generation_duration_seconds`.
    let generationDuration =
        secondsHistogram "tpflash_generation_duration" "Wall time of a generation"

    /// Records a finished generation: its status label and wall time.
    let generationFinished (status: string) (seconds: float) =
        generations.Add(1L, KeyValuePair("status", box status))
        generationDuration.Record(seconds)
