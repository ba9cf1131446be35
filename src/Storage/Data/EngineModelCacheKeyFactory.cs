using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Clusterpedia.Storage.Data;

/// <summary>Keys the cached EF model by provider too: the model differs per engine and one process may open both.</summary>
internal sealed class EngineModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) => (context.GetType(), context.Database.ProviderName, designTime);
}
