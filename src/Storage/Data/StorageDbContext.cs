using Microsoft.EntityFrameworkCore;

namespace Clusterpedia.Storage.Data;

/// <summary>
/// The EF Core model of the schema. The schema itself comes from the hand-written migrations in
/// <see cref="Schema.SchemaMigrator"/>, never from EnsureCreated.
/// </summary>
internal sealed class StorageDbContext(DbContextOptions<StorageDbContext> options) : DbContext(options)
{
    public DbSet<ResourceRow> Resources => Set<ResourceRow>();

    public DbSet<ApiObjectRow> ApiObjects => Set<ApiObjectRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var sqlite = Database.IsSqlite();
        modelBuilder.Entity<ResourceRow>(entity =>
        {
            entity.ToTable("resources");
            entity.HasKey(e => e.Id);
            entity.Property(e => e.Id).HasColumnName("id");
            entity.Property(e => e.Cluster).HasColumnName("cluster");
            entity.Property(e => e.Group).HasColumnName("group");
            entity.Property(e => e.Version).HasColumnName("version");
            entity.Property(e => e.Resource).HasColumnName("resource");
            entity.Property(e => e.Kind).HasColumnName("kind");
            entity.Property(e => e.Namespace).HasColumnName("namespace");
            entity.Property(e => e.Name).HasColumnName("name");
            entity.Property(e => e.Uid).HasColumnName("uid");
            entity.Property(e => e.OwnerUid).HasColumnName("owner_uid");
            entity.Property(e => e.ResourceVersion).HasColumnName("resource_version");
            entity.Property(e => e.Revision).HasColumnName("revision");
            var createdAt = entity.Property(e => e.CreatedAt).HasColumnName("created_at");
            var syncedAt = entity.Property(e => e.SyncedAt).HasColumnName("synced_at");
            var obj = entity.Property(e => e.Object).HasColumnName("object");
            if (sqlite)
            {
                createdAt.HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
                syncedAt.HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
            }
            else
            {
                obj.HasColumnType("jsonb");
            }

            entity.HasIndex(e => new { e.Cluster, e.Group, e.Version, e.Resource, e.Namespace, e.Name }).IsUnique();
        });

        modelBuilder.Entity<ApiObjectRow>(entity =>
        {
            entity.ToTable("api_objects");
            entity.HasKey(e => new { e.Resource, e.Name });
            entity.Property(e => e.Resource).HasColumnName("resource");
            entity.Property(e => e.Name).HasColumnName("name");
            entity.Property(e => e.Revision).HasColumnName("revision");
            var obj = entity.Property(e => e.Object).HasColumnName("object");
            if (!sqlite)
            {
                obj.HasColumnType("jsonb");
            }
        });
    }
}
