using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Embeddings;

namespace Spheres.Core.Reviews;

public static class ReviewsRegistration
{
    /// <summary>Customer reviews: stored, searched by meaning, embedded and analysed off the request path, and taken from providers' ratings.</summary>
    public static IServiceCollection AddSpheresReviews(this IServiceCollection services)
    {
        services.TryAddSingleton<ReviewStore>();
        services.TryAddSingleton<ReviewService>();
        services.TryAddSingleton<ReviewQuota>();
        services.TryAddSingleton<TenantVectorIndex>();
        services.TryAddSingleton<ReviewRatings>();
        services.AddSingleton<IEmbeddingSubject, ReviewEmbeddings>();
        return services;
    }
}
