namespace TimepointFlash

open System

/// One dimension of a budget: how much a bucket holds and how fast it refills.
type BucketRate = {
    /// The most the bucket holds (the burst a quiet bucket lets through at once).
    Capacity: float
    /// Refill per second.
    PerSecond: float
}

/// The limits of one bucket: requests and tokens, each optional (absent = not limited).
type BucketLimit = {
    Requests: BucketRate option
    Tokens: BucketRate option
}

/// What one call takes from a bucket.
type BucketCost = { Requests: float; Tokens: float }

/// A bucket's levels at a moment.
type BucketLevel = {
    Requests: float
    Tokens: float
    At: DateTimeOffset
}

/// The token bucket, pure: every answer is a function of the level, the limit, the cost and the time.
[<RequireQualifiedAccess>]
module Bucket =
    /// Levels within this much of a cost count as enough (float refill never lands exactly).
    let private slack = 1e-9

    let private capacity (rate: BucketRate option) =
        rate |> Option.map _.Capacity |> Option.defaultValue 0.0

    /// A quiet bucket: every limited dimension full.
    let full (limit: BucketLimit) (at: DateTimeOffset) : BucketLevel = {
        Requests = capacity limit.Requests
        Tokens = capacity limit.Tokens
        At = at
    }

    let private refilled (rate: BucketRate option) (level: float) (seconds: float) =
        match rate with
        | None -> level
        | Some r -> max level (min r.Capacity (level + r.PerSecond * seconds))

    /// The levels at `now`: each dimension refilled at its rate up to its capacity. Time never runs backwards: a
    /// `now` before the level's time changes nothing.
    let refill (limit: BucketLimit) (now: DateTimeOffset) (level: BucketLevel) : BucketLevel =
        let seconds = max 0.0 (now - level.At).TotalSeconds

        {
            Requests = refilled limit.Requests level.Requests seconds
            Tokens = refilled limit.Tokens level.Tokens seconds
            At = max now level.At
        }

    /// The cost a call really takes: nothing in an unlimited dimension, at most the capacity in a limited one (a
    /// call larger than the bucket waits for a full bucket instead of forever).
    let clamp (limit: BucketLimit) (cost: BucketCost) : BucketCost = {
        Requests =
            limit.Requests
            |> Option.map (fun r -> min r.Capacity (max 0.0 cost.Requests))
            |> Option.defaultValue 0.0
        Tokens =
            limit.Tokens
            |> Option.map (fun r -> min r.Capacity (max 0.0 cost.Tokens))
            |> Option.defaultValue 0.0
    }

    let private shortfall (rate: BucketRate option) (level: float) (cost: float) =
        match rate with
        | Some r when level + slack < cost ->
            if r.PerSecond > 0.0 then
                (cost - level) / r.PerSecond
            else
                infinity
        | _ -> 0.0

    /// Seconds until the bucket (as of its own time) holds the cost; 0 when it does now.
    let waitSeconds (limit: BucketLimit) (cost: BucketCost) (level: BucketLevel) =
        let c = clamp limit cost
        max (shortfall limit.Requests level.Requests c.Requests) (shortfall limit.Tokens level.Tokens c.Tokens)

    /// Takes the cost at `now`: the new level, or how long to wait before asking again (the level is unchanged).
    let take (limit: BucketLimit) (cost: BucketCost) (now: DateTimeOffset) (level: BucketLevel) =
        let current = refill limit now level

        match waitSeconds limit cost current with
        | 0.0 ->
            let c = clamp limit cost

            Ok {
                current with
                    Requests = current.Requests - c.Requests
                    Tokens = current.Tokens - c.Tokens
            }
        | seconds -> Error(TimeSpan.FromSeconds(min seconds (TimeSpan.MaxValue.TotalSeconds / 2.0)))

    /// Gives back tokens taken by an estimate larger than the call's real use (a negative amount takes more): the
    /// level stays at or below capacity and may go below zero, which later calls then wait out.
    let settle (limit: BucketLimit) (tokens: float) (level: BucketLevel) : BucketLevel =
        match limit.Tokens with
        | None -> level
        | Some r -> {
            level with
                Tokens = min r.Capacity (level.Tokens + tokens)
          }
