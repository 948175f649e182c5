import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// Case-insensitive unique indexes on lower(...) live in the migration; TypeORM cannot express them.
@Index('users_username_lower_key', { synchronize: false })
@Index('users_email_lower_key', { synchronize: false })
@Check('users_live_have_credentials', 'deleted_at IS NOT NULL OR (email IS NOT NULL AND password_hash IS NOT NULL)')
@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Unique ignoring case (functional index in the migration). */
  @Column({ type: 'varchar', length: 32 })
  username!: string;

  /** Unique ignoring case (functional index in the migration); NULL once the account is deleted. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  /** NULL once the account is deleted. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, select: false, nullable: true })
  passwordHash!: string | null;

  @Column({ name: 'full_name', type: 'varchar', length: 100, nullable: true })
  fullName!: string | null;

  @Column({ name: 'avatar_url', type: 'varchar', length: 2048, nullable: true })
  avatarUrl!: string | null;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  /** Set when the account was deleted: the row only names the sender of messages others keep. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => "date_trunc('milliseconds', now())" })
  createdAt!: Date;
}
