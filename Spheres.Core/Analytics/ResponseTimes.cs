using NodaTime;
using Spheres.Core.Outbound;

namespace Spheres.Core.Analytics;

/// <summary>Conversations by who answered first: the agent, a human, only the out-of-hours reply, or nobody.</summary>
public sealed record AnsweredBy(int Agent, int Human, int OutOfHours, int None);

/// <summary>First-response times in seconds (nearest rank); null when no conversation of the period was answered.</summary>
public sealed record ResponsePercentiles(double? P50, double? P90, double? P99);

/// <summary>Conversations that started in one local hour of one weekday (0 = Monday), and how they were answered.</summary>
public sealed record ResponseCell(int Weekday, int Hour, int Conversations, AnsweredBy AnsweredBy, double? FirstResponseP50Seconds);

/// <summary>The responses answer: totals, shares and percentiles of the period, and the non-empty weekday × hour cells.</summary>
public sealed record ResponsesReport(
    string Timezone, string From, string To, int Conversations, AnsweredBy AnsweredBy, AnsweredByShares Shares, ResponsePercentiles FirstResponseSeconds,
    IReadOnlyList<ResponseCell> Cells);

public sealed record AnsweredByShares(double Agent, double Human, double OutOfHours, double None);

/// <summary>
/// Pairs the period's customer messages with the replies sent to them. A conversation here is one customer address on one
/// integration, from its first message in the period; it is answered by the first agent or human reply sent after that
/// message (the time between is its first-response time). One that got only the out-of-hours reply counts as
/// <c>out_of_hours</c>; a quota reply ("someone will get back to you") or nothing at all is <c>none</c>. Bounded: at most
/// <see cref="MaxMessages"/> messages are read (newest first), and replies to messages not read are left out.
/// </summary>
public sealed class ResponseTally(DateTimeZone zone)
{
    public const int MaxMessages = 200_000;

    private sealed class Thread(DateTimeOffset firstAt)
    {
        public DateTimeOffset FirstAt { get; set; } = firstAt;
        public (ReplyKind Kind, DateTimeOffset At)? Answer { get; set; }
        public bool OutOfHours { get; set; }
    }

    private readonly Dictionary<(int, string), Thread> _threads = [];
    private readonly Dictionary<string, (int, string)> _threadOfMessage = new(StringComparer.Ordinal);

    public bool IsFull => _threadOfMessage.Count >= MaxMessages;

    public void AddMessage(string id, int integrationId, string recipient, DateTimeOffset sentAt)
    {
        if (IsFull) return;
        var key = (integrationId, recipient);
        _threadOfMessage[id] = key;
        if (_threads.TryGetValue(key, out var thread)) { if (sentAt < thread.FirstAt) thread.FirstAt = sentAt; }
        else _threads[key] = new Thread(sentAt);
    }

    /// <summary>A sent reply: a human's by its address, any other by the message it answers. Replies before the conversation's start are of an earlier one.</summary>
    public void AddReply(string messageId, int integrationId, ReplyKind kind, string recipient, DateTimeOffset sentAt)
    {
        var key = kind == ReplyKind.Human ? (integrationId, recipient) : _threadOfMessage.GetValueOrDefault(messageId);
        if (key.Item2 is null || !_threads.TryGetValue(key, out var thread) || sentAt < thread.FirstAt) return;
        switch (kind)
        {
            case ReplyKind.Agent or ReplyKind.Human when thread.Answer is not { } answer || sentAt < answer.At:
                thread.Answer = (kind, sentAt);
                break;
            case ReplyKind.OutOfHours:
                thread.OutOfHours = true;
                break;
        }
    }

    public ResponsesReport Report(AnalyticsPeriod period)
    {
        var cells = new Dictionary<int, List<Thread>>();
        foreach (var thread in _threads.Values)
        {
            var local = Instant.FromDateTimeOffset(thread.FirstAt).InZone(zone).LocalDateTime;
            var cell = ((int)local.DayOfWeek - 1) * 24 + local.Hour;
            if (!cells.TryGetValue(cell, out var list)) cells[cell] = list = [];
            list.Add(thread);
        }
        var all = _threads.Values.ToList();
        var totals = Count(all);
        return new ResponsesReport(zone.Id, period.FromText, period.ToText, all.Count, totals,
            new AnsweredByShares(PeakHoursGrid.Share(totals.Agent, all.Count), PeakHoursGrid.Share(totals.Human, all.Count),
                PeakHoursGrid.Share(totals.OutOfHours, all.Count), PeakHoursGrid.Share(totals.None, all.Count)),
            new ResponsePercentiles(Percentile(all, 0.5), Percentile(all, 0.9), Percentile(all, 0.99)),
            cells.OrderBy(c => c.Key).Select(c => new ResponseCell(c.Key / 24, c.Key % 24, c.Value.Count, Count(c.Value), Percentile(c.Value, 0.5))).ToList());
    }

    private static AnsweredBy Count(IReadOnlyCollection<Thread> threads) => new(
        threads.Count(t => t.Answer?.Kind == ReplyKind.Agent), threads.Count(t => t.Answer?.Kind == ReplyKind.Human),
        threads.Count(t => t.Answer is null && t.OutOfHours), threads.Count(t => t.Answer is null && !t.OutOfHours));

    /// <summary>Nearest rank: the smallest time at least <paramref name="p"/> of the answered conversations did not exceed.</summary>
    private static double? Percentile(IEnumerable<Thread> threads, double p)
    {
        var times = threads.Where(t => t.Answer is not null).Select(t => (t.Answer!.Value.At - t.FirstAt).TotalSeconds).Order().ToList();
        return times.Count == 0 ? null : times[Math.Max(0, (int)Math.Ceiling(p * times.Count) - 1)];
    }
}
