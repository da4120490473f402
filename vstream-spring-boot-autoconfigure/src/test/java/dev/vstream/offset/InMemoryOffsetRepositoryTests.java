package dev.vstream.offset;

/**
 * {@link InMemoryOffsetRepository} keeps positions as objects, so it cannot hold an
 * unreadable value: only the general contract applies.
 */
class InMemoryOffsetRepositoryTests extends OffsetRepositoryContractTests {

	private final InMemoryOffsetRepository repository = new InMemoryOffsetRepository();

	@Override
	protected OffsetRepository repository() {
		return this.repository;
	}

}
