using System.Globalization;

namespace Spheres.Core.Analytics;

/// <summary>The words of the recommendations: Ukrainian for a profile in UA, English otherwise.</summary>
public abstract class RecommendationText
{
    public static RecommendationText For(string? country) => country == "UA" ? new Ukrainian() : new English();

    public abstract string ExtendHoursTitle(int weekday);

    public abstract string ExtendHoursDetail(int weekday, int messages, int customers, int fromHour, int toHour, double share);

    public abstract string FixAspectTitle(string aspect);

    public abstract string FixAspectDetail(string aspect, int negative, int mentions);

    public abstract string AnswerQuestionTitle(string question);

    public abstract string AnswerQuestionDetail(int count, double share, string example);

    protected static string Hours(int from, int to) => $"{from:00}:00–{to % 24:00}:00";

    protected static string Percent(double share) => Math.Round(share * 100).ToString(CultureInfo.InvariantCulture) + "%";

    private sealed class English : RecommendationText
    {
        private static readonly string[] Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

        private static readonly Dictionary<string, string> Aspects = new()
        {
            ["waiting_time"] = "waiting time", ["price"] = "prices", ["cleanliness"] = "cleanliness", ["staff"] = "staff",
            ["result_quality"] = "quality of the result", ["booking"] = "booking", ["atmosphere"] = "atmosphere",
        };

        public override string ExtendHoursTitle(int weekday) => $"Open longer on {Days[weekday]}";

        public override string ExtendHoursDetail(int weekday, int messages, int customers, int fromHour, int toHour, double share) =>
            $"On {Days[weekday]} {customers} customers sent {messages} messages while you were closed, most of them {Hours(fromHour, toHour)}: "
            + $"{Percent(share)} of all messages. Extend your hours then, or make sure the agent books them.";

        public override string FixAspectTitle(string aspect) => $"Customers complain about {Name(aspect)}";

        public override string FixAspectDetail(string aspect, int negative, int mentions) =>
            $"{negative} of the {mentions} reviews that mention {Name(aspect)} are negative. This is the most criticised part of your service.";

        public override string AnswerQuestionTitle(string question) => $"Make sure the agent can answer: “{question}”";

        public override string AnswerQuestionDetail(int count, double share, string example) =>
            $"Customers asked this {count} times ({Percent(share)} of their questions), e.g. “{example}”. "
            + "Put the answer in the agent's instructions so it replies at once, day and night.";

        private static string Name(string aspect) => Aspects.GetValueOrDefault(aspect, aspect.Replace('_', ' '));
    }

    private sealed class Ukrainian : RecommendationText
    {
        // "у понеділок", "у середу": the accusative the sentences need.
        private static readonly string[] Days = ["понеділок", "вівторок", "середу", "четвер", "пʼятницю", "суботу", "неділю"];

        private static readonly Dictionary<string, string> Aspects = new()
        {
            ["waiting_time"] = "час очікування", ["price"] = "ціни", ["cleanliness"] = "чистоту", ["staff"] = "персонал",
            ["result_quality"] = "якість результату", ["booking"] = "запис", ["atmosphere"] = "атмосферу",
        };

        public override string ExtendHoursTitle(int weekday) => $"Подовжте години роботи у {Days[weekday]}";

        public override string ExtendHoursDetail(int weekday, int messages, int customers, int fromHour, int toHour, double share) =>
            $"У {Days[weekday]} клієнтів, що писали, коли ви не працювали: {customers} ({messages} повідомлень), найбільше {Hours(fromHour, toHour)}: "
            + $"{Percent(share)} усіх повідомлень. Подовжте години роботи або доручіть агенту записувати цих клієнтів.";

        public override string FixAspectTitle(string aspect) => $"Клієнти скаржаться на {Name(aspect)}";

        public override string FixAspectDetail(string aspect, int negative, int mentions) =>
            $"{negative} з {mentions} відгуків, що згадують {Name(aspect)}, негативні. Це найбільше критикована частина вашого сервісу.";

        public override string AnswerQuestionTitle(string question) => $"Навчіть агента відповідати: «{question}»";

        public override string AnswerQuestionDetail(int count, double share, string example) =>
            $"Клієнти питали про це {count} разів ({Percent(share)} їхніх запитань), наприклад: «{example}». "
            + "Додайте відповідь в інструкції агента, щоб він відповідав одразу, вдень і вночі.";

        private static string Name(string aspect) => Aspects.GetValueOrDefault(aspect, aspect.Replace('_', ' '));
    }
}
