using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Http;

public static class RequestLimitsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="RequestLimits"/> from <paramref name="section"/>, validates it at start, and gives Kestrel the
    /// same body limit, so a body too large is refused while it streams in, whoever reads it.
    /// </summary>
    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<RequestLimits>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RequestLimits>, RequestLimitsValidator>());
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<RequestLimits>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
        return services;
    }
}
