/// A provider quota for the latency-injecting fake: at most `limit` calls in any window, a call beyond it answered
/// 429 and not counted. Shared by the budget replicas test and the benchmarks (bench/TimepointFlash.Bench links it).
module TimepointFlash.Tests.Support.Quota

open System
open System.Collections.Generic
open TimepointFlash.Tests.Support.LatencyProvider

/// At most `limit` accepted calls in any `window` (sliding); the rest are refused with 429.
type Quota(limit: int, window: TimeSpan) =
    let gate = obj ()
    let accepted = List<DateTimeOffset>()
    let mutable refused = 0

    /// The fake's fault rule (`LatencyOptions.Fault`): 429 when the window already holds `limit` accepted calls.
    member _.Fault (_: int) (_: string) =
        lock gate (fun () ->
            let now = DateTimeOffset.UtcNow
            let mutable inWindow = 0

            for i in accepted.Count - 1 .. -1 .. 0 do
                if accepted[i] > now - window then
                    inWindow <- inWindow + 1

            if inWindow >= limit then
                refused <- refused + 1

                Some(
                    Fault.Status(
                        429,
                        """{"error":{"message":"rate limit","type":"rate_limit_exceeded","code":null}}"""
                    )
                )
            else
                accepted.Add now
                None)

    /// Calls answered 429.
    member _.Refused = lock gate (fun () -> refused)

    /// Times of the accepted calls, in order.
    member _.Accepted = lock gate (fun () -> List.ofSeq accepted)
