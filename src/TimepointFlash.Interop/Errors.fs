namespace TimepointFlash.Interop

open System

/// Base class of every error the facade throws on purpose.
type TimepointFlashException
    /// <summary>Creates the exception with a message and the exception that caused it (or null).</summary>
    /// <param name="message">What went wrong, in one line.</param>
    /// <param name="inner">The exception that caused this one, or null.</param>
    (message: string, inner: exn | null) =
    inherit Exception(message, inner)

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong, in one line.</param>
    new(message: string) = TimepointFlashException(message, null)

/// The query does not describe a moment in time (the judge step rejected it).
type TimepointRejectedException
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the judge rejected the query.</param>
    /// <param name="suggestedQuery">A query that would work, or null.</param>
    /// <param name="timepointId">The stored (failed) timepoint.</param>
    (reason: string, suggestedQuery: string | null, timepointId: Guid) =
    inherit TimepointFlashException($"The query was rejected: {reason}")
    /// Why the query was rejected.
    member _.Reason = reason
    /// A query that would work, or null.
    member _.SuggestedQuery = suggestedQuery
    /// The stored (failed) timepoint.
    member _.TimepointId = timepointId

/// No timepoint has this id or slug.
type TimepointNotFoundException
    /// <summary>Creates the exception for the id or slug asked for.</summary>
    /// <param name="key">The id or slug asked for.</param>
    (key: string) =
    inherit TimepointFlashException($"Timepoint '{key}' was not found")
    /// The id or slug asked for.
    member _.Key = key

/// A generation step failed (for example a model answered badly after a repair attempt).
type GenerationFailedException
    /// <summary>Creates the exception with the failed step, the reason, the stored timepoint and the exception that
    /// caused it (or null).</summary>
    /// <param name="step">The step that failed ("generation" when no step did).</param>
    /// <param name="reason">Why, in one line.</param>
    /// <param name="timepointId">The stored (failed) timepoint.</param>
    /// <param name="inner">The exception that caused the failure, or null.</param>
    (step: string, reason: string, timepointId: Guid, inner: exn | null) =
    inherit TimepointFlashException($"Generation failed at {step}: {reason}", inner)

    /// <summary>Creates the exception with no cause.</summary>
    /// <param name="step">The step that failed.</param>
    /// <param name="reason">Why, in one line.</param>
    /// <param name="timepointId">The stored (failed) timepoint.</param>
    new(step: string, reason: string, timepointId: Guid) = GenerationFailedException(step, reason, timepointId, null)

    /// The step that failed.
    member _.Step = step
    /// Why.
    member _.Reason = reason
    /// The stored (failed) timepoint.
    member _.TimepointId = timepointId

/// What kind of provider failure stopped a generation, taken from the typed failure (never from message text).
type ProviderFailureKind =
    /// The failure was read back from storage, which keeps no provider kind.
    | Unknown = 0
    /// No API key is configured for the provider.
    | MissingKey = 1
    /// The provider refused the key (401/403).
    | Authentication = 2
    /// Too many requests (429); see RetryAfter.
    | RateLimit = 3
    /// No answer in time.
    | Timeout = 4
    /// The provider is down or unreachable (5xx, connection failures, a chat client that threw).
    | Unavailable = 5
    /// The provider rejected the request (4xx other than auth and rate limits).
    | BadRequest = 6
    /// The answer could not be read.
    | BadResponse = 7
    /// Calls are paused after repeated failures.
    | CircuitOpen = 8
    /// The provider withheld the answer (safety, recitation, refusal, filter).
    | Blocked = 9
    /// The answer stopped at the output-token limit.
    | Truncated = 10
    /// Billing quota or credit exhausted.
    | QuotaExhausted = 11
    /// The provider's moderation flagged the input.
    | Moderated = 12
    /// The upstream model failed inside a successful answer.
    | UpstreamError = 13

/// The language-model provider failed (authentication, rate limits, outages, or an exception thrown by a
/// custom chat client) after retries and fallback. Kind, Provider and RetryAfter come from the typed failure of
/// the run; InnerException is the exception your chat client threw, when it threw one.
type ProviderException
    /// <summary>Creates the exception.</summary>
    /// <param name="step">The step that failed.</param>
    /// <param name="reason">Why, in one line (never a key).</param>
    /// <param name="timepointId">The stored (failed) timepoint.</param>
    /// <param name="provider">The provider that failed ("chat-client" for yours), or null when unknown.</param>
    /// <param name="kind">What kind of failure it was.</param>
    /// <param name="retryAfter">How long the provider asked to wait (rate limits), or null.</param>
    /// <param name="inner">The exception your chat client threw, or null.</param>
    (
        step: string,
        reason: string,
        timepointId: Guid,
        provider: string | null,
        kind: ProviderFailureKind,
        retryAfter: Nullable<TimeSpan>,
        inner: exn | null
    ) =
    inherit GenerationFailedException(step, reason, timepointId, inner)

    /// <summary>Creates the exception with an unknown kind and no cause.</summary>
    /// <param name="step">The step that failed.</param>
    /// <param name="reason">Why, in one line.</param>
    /// <param name="timepointId">The stored (failed) timepoint.</param>
    new(step: string, reason: string, timepointId: Guid) =
        ProviderException(step, reason, timepointId, null, ProviderFailureKind.Unknown, Nullable(), null)

    /// The provider that failed ("gemini", "openrouter", "openai", "chat-client" …), or null when unknown.
    member _.Provider = provider
    /// What kind of failure it was.
    member _.Kind = kind
    /// How long the provider asked to wait before trying again, or null.
    member _.RetryAfter = retryAfter

/// Time travel cannot reach the target (out of range, or the source is not completed).
type TimeTravelException
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the target cannot be reached.</param>
    (reason: string) =
    inherit TimepointFlashException(reason)
    /// Why.
    member _.Reason = reason

/// The options or environment are invalid, or the database cannot be opened.
type TimepointConfigurationException
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong with the options, the environment or the database.</param>
    (message: string) =
    inherit TimepointFlashException(message)

/// The database failed a read or write (a constraint, unreadable stored data, or another storage error).
type TimepointStorageException
    /// <summary>Creates the exception with a one-line reason (no connection secrets) and the cause.</summary>
    /// <param name="reason">Why, in one line (never a connection secret).</param>
    /// <param name="inner">The database driver's exception, or null.</param>
    (reason: string, inner: exn | null) =
    inherit TimepointFlashException($"Storage failed: {reason}", inner)
    /// Why.
    member _.Reason = reason

/// The database cannot be reached or did not answer in time. Nothing is wrong with the call: retry it once the
/// database is back (the engine reconnects by itself; no new engine is needed).
type StorageUnavailableException
    /// <summary>Creates the exception with a one-line reason (no connection secrets) and the cause.</summary>
    /// <param name="reason">Why, in one line (never a connection secret).</param>
    /// <param name="inner">The database driver's exception, or null.</param>
    (reason: string, inner: exn | null) =
    inherit TimepointStorageException(reason, inner)

/// The timepoint has no character of this name.
type CharacterNotFoundException
    /// <summary>Creates the exception.</summary>
    /// <param name="character">The name asked for.</param>
    /// <param name="cast">The names of the scene's characters.</param>
    (character: string, cast: System.Collections.Generic.IReadOnlyList<string>) =
    inherit
        TimepointFlashException(
            $"""Character '{character}' is not in this scene; its cast: {String.Join(", ", cast)}"""
        )

    /// The name asked for.
    member _.Character = character
    /// The names of the scene's characters.
    member _.Cast = cast

/// The timepoint is not completed, so its characters cannot be talked to yet (or ever, when it failed).
type TimepointNotCompletedException
    /// <summary>Creates the exception.</summary>
    /// <param name="timepointId">The timepoint.</param>
    /// <param name="status">Its status.</param>
    (timepointId: Guid, status: TimepointStatus) =
    inherit TimepointFlashException($"Timepoint '{timepointId}' is {status}, not completed")

    /// The timepoint.
    member _.TimepointId = timepointId
    /// Its status.
    member _.Status = status

/// No chat session has this id.
type ChatSessionNotFoundException
    /// <summary>Creates the exception.</summary>
    /// <param name="sessionId">The id asked for.</param>
    (sessionId: Guid) =
    inherit TimepointFlashException($"Chat session '{sessionId}' was not found")

    /// The id asked for.
    member _.SessionId = sessionId

/// The chat session belongs to another timepoint or another character than the one asked for.
type ChatSessionMismatchException
    /// <summary>Creates the exception.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="reason">What does not match.</param>
    (sessionId: Guid, reason: string) =
    inherit TimepointFlashException($"Chat session '{sessionId}' {reason}")

    /// The session.
    member _.SessionId = sessionId
    /// What does not match.
    member _.Reason = reason
