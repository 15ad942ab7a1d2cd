/*
 * The C core's own global names, prefixed. `anymmap cc` links the core into
 * every program, whose globals must not meet ours: a program with a global
 * `files`, `objects` or `claim` failed to link (duplicate symbol), and mawk's
 * own file_find met the core's with a mismatched signature. Included by
 * internal.h after every system header, so no header sees these macros.
 * The public names (mmap, munmap, ..., anymmap_*) stay as they are.
 */
#ifndef ANYMMAP_NAMESPACE_H
#define ANYMMAP_NAMESPACE_H

#define area_alloc          __anymmap_area_alloc
#define area_give_back      __anymmap_area_give_back
#define area_recompute_low  __anymmap_area_recompute_low
#define area_start          __anymmap_area_start
#define area_take           __anymmap_area_take
#define chunk_stated        __anymmap_chunk_stated
#define claim               __anymmap_claim
#define clean_copy          __anymmap_clean_copy
#define clean_move          __anymmap_clean_move
#define clean_save          __anymmap_clean_save
#define discard_unmapped    __anymmap_discard_unmapped
#define fd_info             __anymmap_fd_info
#define file_find           __anymmap_file_find
#define file_free           __anymmap_file_free
#define file_get            __anymmap_file_get
#define file_put            __anymmap_file_put
#define file_read_fd        __anymmap_file_read_fd
#define file_retain_fd      __anymmap_file_retain_fd
#define file_size           __anymmap_file_size
#define files               __anymmap_files
#define files_used          __anymmap_files_used
#define hash_page           __anymmap_hash_page
#define hash_resident       __anymmap_hash_resident
#define lazy_add            __anymmap_lazy_add
#define lazy_next_set       __anymmap_lazy_next_set
#define lazy_run_end        __anymmap_lazy_run_end
#define lazy_set            __anymmap_lazy_set
#define load_vma_pages      __anymmap_load_vma_pages
#define nvmas               __anymmap_nvmas
#define object_new          __anymmap_object_new
#define objects             __anymmap_objects
#define owner_free_bottom   __anymmap_owner_free_bottom
#define owner_free_max      __anymmap_owner_free_max
#define owner_free_top      __anymmap_owner_free_top
#define page_clean          __anymmap_page_clean
#define page_depths         __anymmap_page_depths
#define page_digest         __anymmap_page_digest
#define page_hash           __anymmap_page_hash
#define page_owners         __anymmap_page_owners
#define page_state          __anymmap_page_state
#define pages_clear         __anymmap_pages_clear
#define pages_free          __anymmap_pages_free
#define pages_joinable      __anymmap_pages_joinable
#define pages_ref           __anymmap_pages_ref
#define pages_seal          __anymmap_pages_seal
#define pages_unref         __anymmap_pages_unref
#define pages_unseal        __anymmap_pages_unseal
#define quarantine_evict    __anymmap_quarantine_evict
#define quarantine_pages    __anymmap_quarantine_pages
#define quarantine_run      __anymmap_quarantine_run
#define range_fully_mapped  __anymmap_range_fully_mapped
#define reload_pages        __anymmap_reload_pages
#define shared_conflict     __anymmap_shared_conflict
#define shared_file_objects __anymmap_shared_file_objects
#define shared_object_at    __anymmap_shared_object_at
#define state_next          __anymmap_state_next
#define unmap_range         __anymmap_unmap_range
#define vma_find            __anymmap_vma_find
#define vma_insert          __anymmap_vma_insert
#define vma_lower_bound     __anymmap_vma_lower_bound
#define vma_map             __anymmap_vma_map
#define vma_merge           __anymmap_vma_merge
#define vma_remove          __anymmap_vma_remove
#define vma_set_writable    __anymmap_vma_set_writable
#define vma_split           __anymmap_vma_split
#define vmas                __anymmap_vmas
#define writeback           __anymmap_writeback

#endif
